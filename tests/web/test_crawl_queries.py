"""Hostile query values never answer 500 (issue #16): every query parameter a page or an API
operation reads gets impossible dates, far years, garbage cursors, huge numbers, NUL
characters and long text. Values that name a moment or a page (periods, months, cursors)
answer 400 with a message saying what is wrong.

Which page reads which parameter is listed in QUERY_PARAMS; a guard reads the sources, so a
new ``request.GET`` read (or a form bound to ``request.GET``) fails the test until it is listed.
The API's parameters come from its OpenAPI document.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from meldpunt.tickets.models import Ticket
from tests.support.crawl import Crawler, api_operations, api_targets, page_targets

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "meldpunt"

#: The query parameters each page reads (route as in the URL resolver → parameter names).
QUERY_PARAMS = {
    "console/": ["q", "queue", "sort", "status", "kind", "priority", "organisation", "cursor", "tag", "team"],
    "console/tickets/<int:pk>/": ["macro"],
    "console/tickets/<int:pk>/macro/": ["macro", "body"],
    "console/tickets/<int:pk>/knowledge/": ["q", "lang"],
    "console/views/": ["query"],
    "notifications/": ["show", "page"],
    "portal/": ["q", "status", "before", "offset"],
    "billing/export.csv": ["month"],
    "billing/export-ubl.zip": ["month"],
    "billing/run/": ["month", "reason"],
    "transfer/export/": ["organisation", "format"],
    "rate/<str:token>/<str:score>/": ["saved"],
    "knowledge/": ["ticket", "q", "lang"],
    "knowledge/articles/<slug:slug>/": ["lang"],
    "knowledge/tickets/<int:pk>/": ["q"],
    "knowledge/ideas/": ["status"],
    "reports/<int:pk>/": ["period", "whatif", "package", "addon"],
    "reports/<int:pk>/pdf/": ["period"],
    "bookings/book/<slug:vendor>/": ["length"],
    "bookings/portal/": ["length", "agreement"],
    "bookings/console/": ["all"],
    "login/": ["next"],
    "health/": ["scope"],  # ?scope=web: the database and migrations only  # accounts.lockout: where a locked-out login would have gone
}
#: Parameters that name a moment or a page: a bad value answers 400 (with a message)...
MUST_REFUSE = {"period", "month", "cursor", "before"}
#: ...unless the hostile value happens to be a valid one ("0" is the cursor of the first
#: segment, "s1." of the second; 99999 is a request number).
VALID = {"cursor": {"0", "0000", "0001", "1.5", "s1."}, "before": {"99999", "0001", "9999"}}

HOSTILE = [
    "2026-13-45", "2030-99", "99999", "0001", "9999", "0000", "0000-01", "9999-12", "0001-01", "10000-01",
    "2026Q5", "9999Q4", "0000Q1", "-1", "0", "1.5", "abc", "9" * 40, "x" * 3000, "\x00", "nul\x00byte",
    "💥", "[]", "' OR 1=1 --", "s1.", "s9.1", "s-1.1", "s0.99999999999999999999999.1", "s0.1e400.1",
    "s0.1.99999999999999999999999", "s1." + "9" * 40, "2026-02-30", "  ",
]
#: For parameters that are text or a choice (no date or page): what breaks text handling.
TEXT_VALUES = ["-1", "0", "abc", "9" * 40, "x" * 3000, "\x00", "💥", "[]", "' OR 1=1 --", "  "]
#: A bad value that still means the default (empty, whitespace): no 400 required.
HARMLESS = {"  "}
#: PDFs take seconds each; their parameter is the same as the HTML page's, so fewer values.
DOCUMENT_VALUES = ["2026-13-45", "0000", "9999", "9999Q4", "\x00", "x" * 3000]


def _read_in_sources() -> set[str]:
    """Every parameter name the sources read from ``request.GET`` (directly or via a form)."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r"GET\.get(?:list)?\(\s*[\"'](\w+)[\"']", text))
        names |= set(re.findall(r"GET\[\s*[\"'](\w+)[\"']\s*\]", text))
        module = None
        for form in re.findall(r"(\w+Form)\(\s*request\.GET", text):
            module = module or importlib.import_module(
                "meldpunt." + ".".join(path.relative_to(SRC).with_suffix("").parts))
            names |= set(getattr(module, form).base_fields)
    return names


def test_every_query_parameter_read_is_crawled():
    listed = {name for names in QUERY_PARAMS.values() for name in names}
    assert _read_in_sources() - listed == set(), "add these to QUERY_PARAMS (which page reads them)"


#: Pages with an htmx partial: crawled with and without the HX-Request header.
HTMX = {"console/", "console/tickets/<int:pk>/macro/", "console/tickets/<int:pk>/knowledge/"}


def _roles(route: str) -> tuple[str, ...]:
    """Who reads the page: staff the console and billing, customers the portal, both the rest."""
    if route.startswith(("portal/", "bookings/portal/")):
        return ("coordinator",)
    if route.startswith(("console/", "billing/", "bookings/console/")):
        return ("staff",)
    return ("staff", "coordinator")


def test_hostile_query_values_never_answer_500(crawl_world, crawling):
    world = crawl_world
    crawler = Crawler(world)
    first = {}
    for target in page_targets(world):
        first.setdefault(target.route, target)
    missing = set(QUERY_PARAMS) - set(first)
    assert not missing, f"QUERY_PARAMS names routes that do not exist: {missing}"
    accepted = []
    for route, names in QUERY_PARAMS.items():
        target = first[route]
        if route.startswith("reports/"):  # a report of the organisation with every ticket shape
            devries = Ticket.objects.get(subject="Orders komen niet binnen").organisation_id
            target = next(t for t in page_targets(world) if t.route == route and t.row == devries)
        for name in names:
            values = DOCUMENT_VALUES if route.endswith("pdf/") else HOSTILE if name in MUST_REFUSE else TEXT_VALUES
            for value in values:
                for role in _roles(route):
                    for htmx in ((False, True) if route in HTMX else (False,)):
                        response = crawler.request(role, "GET", target.url, data={name: value}, htmx=htmx)
                        if (name in MUST_REFUSE and value not in HARMLESS | VALID.get(name, set())
                                and role == _roles(route)[0] and response.status_code < 400):
                            accepted.append(f"{role} GET {target.url}?{name}={value[:40]!r} -> {response.status_code}")
    print(f"\npages: {len(QUERY_PARAMS)} routes, {crawler.total} hostile requests, {len(crawler.failures)} failures")
    assert not crawler.failures, "\n".join(crawler.failures)
    assert not accepted, "\n".join(accepted)


def test_hostile_api_query_values_answer_4xx(crawl_world, crawling):
    world = crawl_world
    crawler = Crawler(world)
    operations, _components = api_operations(crawler.client("staff"))
    checked = 0
    for operation in operations:
        method, path, op = operation
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        if not names:
            continue
        target = api_targets(operation, world)[0]
        for name in names:
            for value in HOSTILE:
                for role in ("staff", "coordinator"):
                    if method == "GET":
                        response = crawler.request(role, method, target.url, api=True, data={name: value})
                    else:
                        url = f"{target.url}?{urlencode({name: value})}"
                        response = crawler.request(role, method, url, api=True, json_body={})
                    checked += 1
                    assert response.status_code != 500
    for value in HOSTILE:  # ids in the path that are no ids
        for path in ("/api/tickets/{}", "/api/agreements/{}", "/api/invoices/{}"):
            crawler.request("staff", "GET", path.format(quote(value, safe="")), api=True)
    print(f"\nAPI: {checked} hostile parameter requests, {crawler.total} in all, {len(crawler.failures)} failures")
    assert not crawler.failures, "\n".join(crawler.failures)
    assert checked >= 100
