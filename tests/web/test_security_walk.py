"""Every API operation and every page that takes an id answers 404 to a customer who names
another organisation's row (DESIGN.md: "another organisation's id answers 404").

The routes are read from the running configuration — the OpenAPI document for the API, the
URL resolver for pages — so a new route is walked without anyone adding it here; a new
route whose id this file cannot fill fails the test until it is mapped below.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from meldpunt.api.routes import api
from meldpunt.billing.models import Invoice
from meldpunt.intake.attachments import store_bytes
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message
from tests.support import factories as f

pytestmark = pytest.mark.django_db

#: Pages left out of the walk, each with the reason.
PAGE_EXEMPT = {
    "admin/": "Django admin: staff only, customers are sent to its login page; covered by Django",
    "static/": "static files carry no organisation data",
    "i18n/": "Django's language switch takes no ids",
    "api/": "walked operation by operation from the OpenAPI document below",
    "welcome/<uidb64>/<token>/": "the set-password link is guarded by a signed token, not by organisation",
}
#: API path parameters that are not another organisation's data, with the reason.
API_EXEMPT = {
    "catalog_id": "catalog versions are the vendors' public price lists, the same for every customer",
}


@pytest.fixture
def two_orgs():
    org_a, org_b = f.organisation("Alpha BV"), f.organisation("Beta BV")
    coord_a, coord_b = f.contact(org_a), f.contact(org_b)
    plain_b = f.contact(org_b, coordinator=False)
    agr_a, agr_b = f.agreement(org_a, coordinator=coord_a), f.agreement(org_b, coordinator=coord_b)
    ticket_b, _ = create_ticket(NewRequest(organisation=org_b, agreement=agr_b, contact=coord_b, subject="Beta's secret",
                                           impact="one", urgency="low"))
    ticket_a, _ = create_ticket(NewRequest(organisation=org_a, agreement=agr_a, contact=coord_a, subject="Alpha's own",
                                           impact="one", urgency="low"))
    invoice_b = Invoice.objects.create(
        vendor="erpm", year=2026, sequence=1, number="ERPM-2026-0001", organisation=org_b, period=date(2026, 1, 1),
        issued_on=date(2026, 2, 1), currency="EUR", vat_rate=Decimal("21"), net=Decimal("100"), vat=Decimal("21"),
        total=Decimal("121"),
    )
    message_b = add_message(ticket_b, "Beta's secret screenshot", author=coord_b.user, from_customer=True)
    attachment_b = store_bytes(message_b, filename="secret.png", content_type="image/png", data=b"png")
    advisory_b, _ = create_ticket(NewRequest(organisation=org_b, agreement=agr_b, contact=coord_b, kind="advisory",
                                             subject="Beta's secret advice"))
    proposal_b = f.approved_proposal(advisory_b)
    ids = {"ticket": ticket_b.pk, "agreement": agr_b.pk, "contact": plain_b.pk, "invoice": invoice_b.pk,
           "attachment": attachment_b.pk, "proposal": proposal_b.pk}
    #: ids of the customer's own rows: a page not mapped here may rightly show them
    ids["own"] = {org_a.pk, agr_a.pk, coord_a.pk, coord_a.user_id, ticket_a.pk}
    return coord_a, ids


#: An id no row has.
MISSING = 2**62


def _foreign(ids: dict) -> list[int]:
    """Every id of the other organisation's rows that no row of the customer's own shares."""
    return sorted({v for k, v in ids.items() if k != "own"} - ids["own"])


def _call(client, method: str, url: str, payload: str):
    if method == "GET":
        return client.get(url)
    return client.generic(method, url, payload, content_type="application/json")


# ------------------------------------------------------------------- the API
API_PARAMS = {"ticket_id": "ticket", "agreement_id": "agreement", "contact_id": "contact", "invoice_id": "invoice",
              "attachment_id": "attachment", "proposal_id": "proposal"}


def _example(schema: dict, components: dict) -> object:
    """A minimal valid value for ``schema`` (required properties only), so the id is what is tested."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return _example(next(s for s in schema[key] if s.get("type") != "null"), components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string" and schema.get("format") in ("date-time", "date"):  # a valid body: the id decides
        return "2026-12-01T10:00:00+01:00" if schema["format"] == "date-time" else "2026-12-01"
    if kind == "object":
        return {name: _example(schema["properties"][name], components) for name in schema.get("required", [])}
    if kind == "string":
        return "x" * max(1, schema.get("minLength", 1))
    return {"integer": 1, "number": 1, "boolean": True, "array": []}.get(kind)


def api_operations() -> list[tuple[str, str, list[str], str]]:
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            payload = json.dumps(_example(body, components) if body else {})
            operations.append((method.upper(), path, params, payload))
    return operations


def test_the_api_walk_covers_every_operation_with_an_id():
    walked = [op for op in api_operations() if op[2]]
    assert len(walked) >= 6  # tickets and agreements at least; the document lists them all
    assert {"ticket_id", "agreement_id"} <= {p for _, _, params, _ in walked for p in params}


def test_every_api_operation_answers_404_for_another_organisations_id(two_orgs):
    customer, ids = two_orgs
    client = Client(HTTP_AUTHORIZATION=f"Bearer {f.token(customer.user)}")
    checked = 0
    for method, path, params, payload in api_operations():
        if not params or any(p in API_EXEMPT for p in params):
            continue
        unmapped = [p for p in params if p not in API_PARAMS]
        for value in ([ids[API_PARAMS[p]] for p in params[:1]] if not unmapped else _foreign(ids)):
            url = path
            for name in params:
                url = url.replace("{" + name + "}", str(ids[API_PARAMS[name]] if name in API_PARAMS else value))
            response = _call(client, method, url, payload)
            if unmapped:  # a parameter this file cannot fill yet: the id must answer like a missing one
                missing_url = path
                for name in params:
                    missing_url = missing_url.replace(
                        "{" + name + "}", str(ids[API_PARAMS[name]] if name in API_PARAMS else MISSING))
                missing = _call(client, method, missing_url, payload)
                assert response.status_code == missing.status_code, f"{method} {url}: {response.status_code}"
            else:
                assert response.status_code == 404, f"{method} {path} as a customer of another organisation: {response.status_code}"
            assert b"secret" not in response.content
        checked += 1
    assert checked >= 5


# ----------------------------------------------------------------- the pages
PAGE_PARAMS = {
    "console/tickets/": "ticket",
    "portal/requests/": "ticket",
    "portal/agreements/": "agreement",
    "portal/contacts/": "contact",
    "tickets/": "ticket",
    "billing/invoices/": "invoice",
    "billing/tickets/": "ticket",
    "intake/attachments/": "attachment",
}


def page_patterns(resolver=None, prefix: str = "") -> list[str]:
    routes = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if any(route.startswith(exempt) for exempt in PAGE_EXEMPT):
            continue
        if isinstance(entry, URLResolver):
            routes += page_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return routes


def _kind(route: str) -> str | None:
    """Which of another organisation's rows fills the page's ``pk`` (None: not mapped here yet)."""
    for prefix, kind in sorted(PAGE_PARAMS.items(), key=lambda kv: -len(kv[0])):
        if re.fullmatch(re.escape(prefix) + r"<int:pk>/(\w+/)?", route):
            return kind
    return None


def _with(route: str, value) -> str:
    return "/" + re.sub(r"<int:\w+>", str(value), route)


def test_every_page_with_an_id_answers_404_for_another_organisations_id(two_orgs):
    customer, ids = two_orgs
    client = Client()
    client.force_login(customer.user)
    checked = []
    for route in page_patterns():
        if "<int:" not in route:  # tokens and slugs (set-password, booking links, articles) name no row by id
            continue
        kind = _kind(route)
        # Mapped pages: the row of that kind. A page this file does not map yet: every foreign
        # id, each of which must answer exactly as an id no row has (it reveals nothing).
        values = [ids[kind]] if kind else _foreign(ids)
        for method in ("get", "post"):
            missing = getattr(client, method)(_with(route, MISSING), follow=True).status_code
            for value in values:
                response = getattr(client, method)(_with(route, value), follow=True)
                if response.status_code == 405:  # this page takes only the other method
                    continue
                expected = 404 if kind else missing
                assert response.status_code == expected, f"{method.upper()} {route} with {value}: {response.status_code}"
                assert b"Beta's secret" not in response.content
        checked.append(route)
    assert {"console/tickets/<int:pk>/", "portal/requests/<int:pk>/", "billing/invoices/<int:pk>/"} <= set(checked)
    assert len(checked) >= 12
