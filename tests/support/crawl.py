"""The crawl's machinery: which URLs exist (from the URL resolver and the OpenAPI document),
how their parameters are filled from a :class:`~tests.support.crawl_world.World`, and a client
that records every answer instead of raising.

A route whose parameter this file cannot fill fails the crawl (:class:`Unmapped`), so a new
page or API operation is crawled from the day it is added, or someone decides here why not.
"""

from __future__ import annotations

import inspect
import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from http.cookies import SimpleCookie

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Min
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from meldpunt.bookings.mail import manage_token
from meldpunt.bookings.models import Booking
from meldpunt.contracts.models import Contact
from meldpunt.contracts.services import invitation_path
from meldpunt.intake.models import Follower
from meldpunt.knowledge.models import Article
from meldpunt.satisfaction.links import make_token


def _health_answer(url: str, response) -> bool:
    """/health/ answers 503 by design while no worker or scheduler runs (as in the crawl), with
    its JSON saying why; that is its answer, not a failure."""
    return (url.split("?")[0] == "/health/" and response.status_code == 503
            and response["Content-Type"].startswith("application/json"))


class Unmapped(AssertionError):
    """A route names a parameter the crawl does not know how to fill."""


#: Left out of the page walk, each with the reason.
SKIPPED_PREFIXES = {
    "api/": "walked operation by operation from the OpenAPI document (api_operations)",
    "static/": "static files hold no rows",
}

#: Which rows fill ``<int:pk>``, by the route up to the ``<int:pk>``. One line per page family;
#: a route with a prefix missing here fails the crawl (:class:`Unmapped`).
PK_KINDS = {
    "console/tickets/": "ticket",
    "portal/requests/": "ticket",
    "rate/requests/": "ticket",
    "tickets/": "ticket",
    "billing/tickets/": "ticket",
    "knowledge/tickets/": "ticket",
    "console/triage/": "ticket",
    "console/triage/weekends/": "weekend",
    "console/triage/category/": "category_request",
    "portal/agreements/": "agreement",
    "portal/contacts/": "contact",
    "billing/invoices/": "invoice",
    "intake/attachments/": "attachment",
    "console/views/": "saved_view",
    "console/macros/": "macro",
    "console/teams/": "team",
    "knowledge/answers/": "message",
    "knowledge/community/": "question",
    "knowledge/ideas/": "idea",
    "knowledge/releases/": "release",
    "reports/": "organisation",
    "bookings/console/": "booking",
    "bookings/console/availability/": "availability",
    "notifications/": "notification",
    "notifications/watch/": "ticket",
}

#: API path parameters by name: which rows fill them.
API_KINDS = {
    "ticket_id": "ticket", "agreement_id": "agreement", "invoice_id": "invoice", "proposal_id": "proposal",
    "request_id": "category_request", "weekend_id": "weekend", "catalog_id": "catalog", "contact_id": "contact",
    "attachment_id": "attachment", "follower_id": "follower", "organisation_id": "organisation",
}

#: Admin pages per row cost a form each. The rows intake and triage make in many shapes get
#: their change page for every row (events: one per kind); any other model's first rows;
#: history and delete pages (the same for every row) the first row only.
ADMIN_ALL_ROWS = {"tickets.ticket", "intake.inboundmail", "intake.attachment", "triage.proposal"}
ADMIN_FIRST_ROWS = 3


def _admin_rows(model, route: str) -> list:
    label = model._meta.label_lower
    rows = model._default_manager.order_by("pk")
    if not route.endswith("/change/"):
        return list(rows.values_list("pk", flat=True)[:1])
    if label in ADMIN_ALL_ROWS:
        return list(rows.values_list("pk", flat=True))
    if label == "tickets.ticketevent":
        return sorted(model._default_manager.order_by().values("kind").annotate(first=Min("pk"))
                      .values_list("first", flat=True))
    return list(rows.values_list("pk", flat=True)[:ADMIN_FIRST_ROWS])


@dataclass(frozen=True)
class Target:
    """One URL to request, with what kind of row (if any) and which row it names."""

    route: str
    url: str
    kind: str = ""
    row: int | None = None
    htmx: bool = False  # the view answers htmx requests with a partial of its own


# ------------------------------------------------------------------------ pages
def routes(resolver=None, prefix: str = "") -> list[tuple[str, object]]:
    """Every URL pattern as (full route, pattern), depth first, from the live configuration."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if any(route.startswith(skip) for skip in SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            found += routes(entry, route)
        elif isinstance(entry, URLPattern):
            found.append((route, entry))
    return found


def page_targets(world) -> list[Target]:
    """Each route with its parameters filled from the world (all rows of the kind it names)."""
    targets: list[Target] = []
    for route, pattern in routes():
        if route.startswith("admin/") or route.startswith("^admin/"):
            targets += _admin_targets(route, world)
        else:
            htmx = _reads_htmx(pattern.callback)
            targets += [replace(t, htmx=htmx) for t in _filled(route, world)]
    return targets


def _reads_htmx(view) -> bool:
    """Whether the view (under its decorators) looks at ``request.htmx``."""
    try:
        return "request.htmx" in inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):  # a class-based or built-in view
        return False


def _filled(route: str, world) -> list[Target]:
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    names = [a or b for a, b in names]
    if not names:
        return [Target(route, "/" + route)]
    if names == ["pk"]:
        prefix = route.split("<int:pk>")[0]
        if prefix not in PK_KINDS:
            raise Unmapped(f"page {route!r}: add its prefix {prefix!r} to PK_KINDS (which rows fill <pk>)")
        kind = PK_KINDS[prefix]
        return [Target(route, "/" + route.replace("<int:pk>", str(pk)), kind, pk) for pk in world.ids[kind]]
    if names == ["slug"] and route.startswith("knowledge/articles/"):
        return [Target(route, "/" + route.replace("<slug:slug>", slug), "article")
                for slug in Article.objects.filter(pk__in=world.ids["article"]).values_list("slug", flat=True)]
    if names == ["vendor"]:
        return [Target(route, "/" + route.replace("<slug:vendor>", vendor)) for vendor in ("invantive", "erpm", "infor", "nobody")]
    if names == ["token"] and route.startswith("bookings/manage/"):
        return [Target(route, "/" + route.replace("<str:token>", manage_token(b)), "booking", b.pk)
                for b in Booking.objects.filter(pk__in=world.ids["booking"])] + [
            Target(route, "/" + route.replace("<str:token>", "not-a-token"))]
    if names == ["pk", "follower"]:  # a follower of its own request, and one of another request
        rows = list(Follower.objects.filter(ticket_id__in=world.ids["ticket"]).order_by("pk"))
        fill = route.replace("<int:pk>", "{}").replace("<int:follower>", "{}")
        other = [t for t in world.ids["ticket"] if rows and t != rows[0].ticket_id][:1]
        return [Target(route, "/" + fill.format(r.ticket_id, r.pk), "ticket", r.ticket_id) for r in rows] + [
            Target(route, "/" + fill.format(t, rows[0].pk), "ticket", t) for t in other]
    if names == ["token", "score"] and route.startswith("rate/"):
        # The rating links of resolution mail: the signed token, not the login, is the right
        # to rate (any role holding the mail may open it), so they are not "ticket" rows.
        return [Target(route, f"/rate/{make_token(pk, None)}/{score}/", "rating link", pk)
                for pk in world.ids["ticket"] for score in ("good", "bad")] + [
            Target(route, "/rate/not-a-token/good/"), Target(route, f"/rate/{make_token(0, None)}/great/")]
    if names == ["uidb64", "token"]:
        contact = Contact.objects.get(pk=world.ids["contact"][-1])
        return [Target(route, invitation_path(contact)), Target(route, "/welcome/xx/yy/")]
    raise Unmapped(f"page {route!r} has parameters {names}: teach tests/support/crawl.py to fill them")


def _admin_targets(route: str, world) -> list[Target]:
    """The admin's routes: per model (``admin/<app>/<model>/…``) with that model's rows."""
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    names = [a or b for a, b in names]
    if not names:
        return [Target(route, "/" + route)]
    if names == ["app_label"]:  # ^admin/(?P<app_label>a|b|c)/$
        labels = re.search(r"\(\?P<app_label>([^)]*)\)", route).group(1).split("|")
        return [Target(route, f"/admin/{label}/") for label in labels]
    if names == ["url"]:  # the admin's catch-all: an unknown admin URL
        return [Target(route, "/admin/no/such/page/")]
    if names == ["content_type_id", "object_id"]:  # "view on site"
        ticket_type = ContentType.objects.get(app_label="tickets", model="ticket")
        return [Target(route, f"/admin/r/{ticket_type.pk}/{pk}/", "ticket", pk) for pk in world.ids["ticket"][:3]]
    match = re.match(r"\^?admin/(\w+)/(\w+)/", route)
    if match is None or names not in (["object_id"], ["id"]):
        raise Unmapped(f"admin page {route!r} has parameters {names}: teach tests/support/crawl.py to fill them")
    model = apps.get_model(match.group(1), match.group(2))
    rows = _admin_rows(model, route)
    placeholder = "<path:object_id>" if "object_id" in names else "<id>"
    return [Target(route, "/" + route.replace(placeholder, str(pk)), model._meta.label_lower, pk) for pk in rows]


# -------------------------------------------------------------------------- API
def api_operations(client: Client) -> list[tuple[str, str, dict]]:
    """(method, path, operation) for every operation of the served OpenAPI document."""
    document = client.get("/api/openapi.json")
    assert document.status_code == 200
    schema = document.json()
    operations = [(method.upper(), path, op) for path, methods in schema["paths"].items()
                  for method, op in methods.items()]
    return operations, schema.get("components", {}).get("schemas", {})


def api_targets(operation: tuple[str, str, dict], world) -> list[Target]:
    method, path, op = operation
    names = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
    unknown = [n for n in names if n not in API_KINDS]
    if unknown:
        raise Unmapped(f"API {method} {path}: add {unknown} to API_KINDS (which rows fill them)")
    if not names:
        return [Target(path, path)]
    if names == ["ticket_id", "follower_id"]:  # a follower of its own request, and of another request
        rows = list(Follower.objects.filter(pk__in=world.ids["follower"]).order_by("pk"))
        fill = path.replace("{ticket_id}", "{}").replace("{follower_id}", "{}")
        other = [t for t in world.ids["ticket"] if rows and t != rows[0].ticket_id][:1]
        return [Target(path, fill.format(r.ticket_id, r.pk), "ticket", r.ticket_id) for r in rows] + [
            Target(path, fill.format(t, rows[0].pk), "ticket", t) for t in other]
    if len(names) > 1:
        raise Unmapped(f"API {method} {path}: several path parameters; teach tests/support/crawl.py to combine them")
    kind = API_KINDS[names[0]]
    return [Target(path, path.replace("{" + names[0] + "}", str(pk)), kind, pk) for pk in world.ids[kind]]


def example(schema: dict | None, components: dict) -> object:
    """A small valid value for ``schema`` (required properties only)."""
    if schema is None:
        return {}
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return example(next(s for s in schema[key] if s.get("type") != "null"), components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: example(schema.get("properties", {}).get(name, {}), components)
                for name in schema.get("required", [])}
    if schema.get("format") == "date":
        return "2026-12-05"
    if schema.get("format") == "date-time":
        return "2026-01-05T10:00:00+01:00"
    return {"string": "crawl", "integer": 1, "number": 1, "boolean": True, "array": []}.get(kind)


def body_of(op: dict) -> dict | None:
    return op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")


# ----------------------------------------------------------------------- client
@dataclass
class Crawler:
    """Clients per role that never raise; every answer is counted, every 500 kept."""

    world: object
    counts: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, role: str, api: bool = False) -> Client:
        key = f"{role}:{api}"
        if key not in self.clients:
            user = self.world.users[role]
            if api and user is not None:
                client = Client(raise_request_exception=False,
                                HTTP_AUTHORIZATION=f"Bearer {self.world.tokens[role]}")
            else:
                client = Client(raise_request_exception=False)
                if user is not None:
                    client.force_login(user)
            self.clients[key] = client
        return self.clients[key]

    def request(self, role: str, method: str, url: str, *, api: bool = False, data=None, json_body=None,
                htmx: bool = False):
        """One request in a transaction that is rolled back, so every request sees the same
        world (a POST changes nothing for the next one) and a database error in one request
        (PostgreSQL aborts the transaction) cannot spoil the rest of the crawl."""
        client = self.client(role, api)
        cookies = client.cookies  # a logout (or a login) must not change who crawls next
        client.cookies = SimpleCookie(cookies)
        headers = {"HX-Request": "true"} if htmx else {}
        with transaction.atomic():
            if method == "GET":
                response = client.get(url, data or {}, headers=headers)
            elif json_body is not None:
                response = client.generic(method, url, json.dumps(json_body), content_type="application/json",
                                          headers=headers)
            else:
                response = client.post(url, data or {}, headers=headers)
            transaction.set_rollback(True)
        client.cookies = cookies
        self.counts[role + (" htmx" if htmx else "")] += 1
        if response.status_code >= 500 and not _health_answer(url, response):
            exc = getattr(response, "exc_info", None)
            why = f"{exc[0].__name__}: {exc[1]}" if exc else response.content[:200]
            sent = {k: (v[:40] + "…" if len(v) > 40 else v) for k, v in data.items()} if data else json_body or ""
            self.failures.append(f"{role}{' htmx' if htmx else ''} {method} {url} {sent} -> {response.status_code} {why}")
        return response

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# ------------------------------------------------------------------------ forms
class _Forms(HTMLParser):
    """The POST forms of a page: action and the fields a browser would send, filled in."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": {}} if (a.get("method") or "").lower() == "post" else None
            return
        if self._form is None or not a.get("name") or "disabled" in a:
            return
        fields, name = self._form["fields"], a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "radio" and name not in fields):
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields[name] = a.get("value") or _filler(kind)
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and (self._select not in fields or "selected" in a):
            value = a.get("value", "")
            if value or "selected" in a:
                fields[self._select] = value
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
        if tag == "button" and a.get("value"):
            fields.setdefault(name, a["value"])

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._form is not None:
            name = self._textarea
            if name and not self._form["fields"][name].strip():
                self._form["fields"][name] = "Crawled text."
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append((self._form["action"], self._form["fields"]))
            self._form = None


def _filler(kind: str) -> str:
    return {"number": "1", "email": "crawl@example.test", "date": "2026-12-07", "datetime-local": "2026-12-07T10:00",
            "time": "10:00", "url": "https://example.test/"}.get(kind, "Crawled text")


def post_forms(html: str, page_url: str) -> list[tuple[str, dict[str, str]]]:
    """(url, data) for every POST form on the page, its empty fields filled in."""
    parser = _Forms()
    parser.feed(html)
    return [(action if action.startswith("/") else page_url, fields) for action, fields in parser.forms
            if not action.startswith(("http", "/logout", "/i18n", "/language"))]
