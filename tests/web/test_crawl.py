"""Every page and every API operation renders for every ticket intake can make (issue #16).

The world (tests/support/crawl_world.py) holds a ticket of every channel and shape — mail
through the real ingest path from a contact and from a stranger, replies by mail, HTML-only,
attachments, forwards, quarantined mail turned into tickets, portal, phone, chat and API
requests, every status, proposals — and the rows around them. The crawl (tests/support/crawl.py)
takes the URLs from the URL resolver and the served OpenAPI document, fills their ids from the
world, and requests each as vendor staff, a customer coordinator, a plain contact, another
organisation's coordinator and an anonymous visitor: GET, and POST with an empty (invalid)
body. Nothing may answer 500; another organisation's row answers 404.
"""

from __future__ import annotations

from collections import Counter

import pytest

from meldpunt.tickets.models import Ticket
from tests.support.crawl import (
    Crawler,
    Target,
    api_operations,
    api_targets,
    body_of,
    example,
    page_targets,
    post_forms,
)

pytestmark = pytest.mark.django_db

ROLES = ("staff", "coordinator", "contact", "other", "anonymous")


def _page_requests(targets):
    """(role, method, target) for the page crawl.

    Vendor staff and the customer organisation's coordinator and plain contact GET every URL
    and POST an empty (invalid) form to it: every row's URL, but a ticket's pages only for
    the first ticket (each ticket's forms are submitted filled in instead: see the test).
    Another organisation's coordinator GETs every URL (each of its answers on a foreign
    ticket must be 404); an anonymous visitor GETs one URL per route (all are sent to the
    login page or refused the same way). Views that answer htmx with a partial of their own
    are crawled by staff with the HX-Request header too. The superuser crawls the admin (its
    rows: tests/support/crawl.py), POSTing to the first add and change form. Documents (PDF,
    seconds each) are downloads that read no form: GET only, by staff (every row) and the
    coordinator (their own).
    """
    first: dict[str, Target] = {}
    for target in targets:
        first.setdefault(target.route, target)
    for target in targets:
        admin = target.route.lstrip("^").startswith("admin/")
        document = target.route.endswith("pdf/")
        is_first = first[target.route] is target
        for role in (("admin",) if admin else ("staff", "coordinator") if document
                     else ("staff", "coordinator", "contact", "other")):
            yield role, "GET", target
            if role == "other" or document:
                continue
            if is_first if admin or target.kind == "ticket" else True:
                if not admin or target.route.endswith(("/add/", "/change/")):
                    yield role, "POST", target
        if is_first:
            yield "anonymous", "GET", target
        if target.htmx:
            yield "staff", "GET htmx", target
            yield "staff", "POST htmx", target


def test_every_page_renders_for_every_ticket_and_role(crawl_world, crawling):
    world = crawl_world
    crawler = Crawler(world)
    targets = page_targets(world)
    foreign = set(Ticket.objects.exclude(organisation__name="Acme").values_list("pk", flat=True))
    refused, submitted, outcomes = [], set(), Counter()
    for role, method, target in _page_requests(targets):
        method, _, htmx = method.partition(" ")
        response = crawler.request(role, method, target.url, htmx=bool(htmx))
        if role == "other" and target.kind == "ticket" and target.row in foreign and response.status_code != 405:
            if response.status_code == 302:  # the old /tickets/<id>/ address forwards to the portal
                response = crawler.client(role).get(target.url, follow=True)
            if response.status_code != 404:
                refused.append(f"{role} GET {target.url} -> {response.status_code}")
        if (method == "GET" and not htmx and target.kind == "ticket" and role in ("staff", "coordinator")
                and response.status_code == 200 and response["Content-Type"].startswith("text/html")):
            # Every form on a ticket's page, submitted as a person would (empty fields filled).
            for url, data in post_forms(response.content.decode(), target.url):
                if (role, url, tuple(sorted(data))) not in submitted:
                    submitted.add((role, url, tuple(sorted(data))))
                    outcomes[crawler.request(role, "POST", url, data=data).status_code] += 1
    staff_views = [crawler.request("staff", "GET", f"/console/tickets/{pk}/").status_code for pk in world.ids["ticket"]]
    own = Ticket.objects.filter(organisation__name="Bakkerij De Vries").values_list("pk", flat=True)
    portal_views = [crawler.request("coordinator", "GET", f"/portal/requests/{pk}/").status_code for pk in own]
    print(f"\npages: {len({t.route for t in targets})} routes, {len(targets)} URLs, {len(world.ids['ticket'])} tickets, "
          f"{crawler.total} requests ({dict(crawler.counts)}), {len(submitted)} forms submitted filled in {dict(outcomes)}, "
          f"{len(crawler.failures)} failures")
    assert not crawler.failures, "\n".join(crawler.failures)
    assert refused == []
    assert set(staff_views) == {200} and set(portal_views) == {200} and len(portal_views) >= 10
    known = Ticket.objects.get(subject="Orders komen niet binnen")
    page = crawler.request("coordinator", "GET", f"/portal/requests/{known.pk}/").content.decode()
    reply = known.messages.get(body__startswith="Nog steeds niet.")  # the reply by mail, and who sent it
    assert "Nog steeds niet." in page and reply.author.contact.name in page
    assert len(submitted) >= 5 * len(world.ids["ticket"]) and outcomes[302] >= 3 * len(world.ids["ticket"])


def _api_requests(operations, components, world):
    """(role, method, target, body) for the API crawl: staff, coordinator and plain contact
    call every operation on every row, POSTs with an empty body and with a small valid one;
    another organisation's coordinator the same but only the valid body; an anonymous caller
    one row per operation."""
    for operation in operations:
        method, _path, op = operation
        bodies = [{}, example(body_of(op), components)] if method != "GET" else [None]
        for number, target in enumerate(api_targets(operation, world)):
            for role in ROLES:
                if role == "anonymous" and number:
                    continue
                for body in bodies[-1:] if role in ("other", "anonymous") else bodies:
                    yield role, method, target, body


def test_every_api_operation_answers_for_every_ticket_and_role(crawl_world, crawling):
    world = crawl_world
    crawler = Crawler(world)
    operations, components = api_operations(crawler.client("staff"))
    foreign = set(Ticket.objects.exclude(organisation__name="Acme").values_list("pk", flat=True))
    refused = []
    for role, method, target, body in _api_requests(operations, components, world):
        response = crawler.request(role, method, target.url, api=True, json_body=body)
        if role == "other" and method == "GET" and target.kind == "ticket" and target.row in foreign \
                and response.status_code != 404:
            refused.append(f"{role} GET {target.url} -> {response.status_code}")
    print(f"\nAPI: {len(operations)} operations, {len(world.ids['ticket'])} tickets, "
          f"{crawler.total} requests ({dict(crawler.counts)}), {len(crawler.failures)} failures")
    assert not crawler.failures, "\n".join(crawler.failures)
    assert refused == []
    listed = crawler.request("staff", "GET", "/api/tickets", api=True, data={"limit": 200})
    items = listed.json()["items"]
    assert listed.status_code == 200 and len(items) == len(world.ids["ticket"])
    assert any(item["organisation"] is None for item in items)  # a stranger's mail waits in triage
