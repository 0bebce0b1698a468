"""Ticket search in the console (/console/?q=), the API (GET /api/tickets?q=) and the portal,
on both databases: highlighted matches in escaped HTML, the queue filters, rank order, and
customers who never find another organisation's request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status
from tests.support.desk_fixtures import Api
from tests.tickets.test_ticket_search import HOSTILE

pytestmark = pytest.mark.django_db


def _ticket(desk, subject, org="a", contact=None, **extra):
    extra.setdefault("impact", "organisation")
    extra.setdefault("urgency", "high")
    ticket, _ = create_ticket(NewRequest(
        organisation=desk[f"org_{org}"], agreement=desk[f"agr_{org}"], contact=contact or desk[f"{org}_coord"],
        subject=subject, received_at=timezone.now() - timedelta(hours=1), **extra))
    return ticket


@pytest.fixture
def tickets(desk):
    return {
        "invoice": _ticket(desk, "Invoice <b>run</b> fails", description="Posting stops with itgen-1234."),
        "mention": _ticket(desk, "Printer offline", description="Since the invoice run the printer is offline."),
        "beta": _ticket(desk, "Invoice export of Beta", org="b", description="Geheime beta facturen"),
        "plain": _ticket(desk, "Order import slow", contact=desk["a_plain"]),
    }


# ---------------------------------------------------------------- console
def test_console_search_marks_the_matches_in_escaped_html_best_match_first(client, desk, tickets):
    client.force_login(desk["staff"])
    response = client.get("/console/", {"q": "invoice"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Invoice</mark> &lt;b&gt;run&lt;/b&gt; fails" in html  # the subject's own markup stays text
    assert "<b>run</b>" not in html
    assert "the <mark>invoice</mark> run the printer" in html  # where else it matched
    assert html.index(f'>{tickets["invoice"].pk}</a>') < html.index(f'>{tickets["mention"].pk}</a>')
    assert "Order import slow" not in html


def test_console_search_combines_with_the_queue_filters(client, desk, tickets):
    client.force_login(desk["staff"])
    html = client.get("/console/", {"q": "invoice", "organisation": desk["org_b"].pk}).content.decode()
    assert "Beta" in html and "Printer offline" not in html
    change_status(tickets["mention"], "resolved", actor=desk["staff"])
    html = client.get("/console/", {"q": "printer"}).content.decode()  # every status by default
    assert "<mark>Printer</mark> offline" in html
    html = client.get("/console/", {"q": "printer", "status": "in_progress"}).content.decode()
    assert "offline" not in html and "No requests match your search" in html
    html = client.get("/console/", {"q": "invoice", "queue": "mine"}).content.decode()
    assert "Invoice" not in html.split("<tbody", 1)[1]  # nothing is assigned to this agent


def test_console_search_finds_a_number_and_pages_by_offset(client, desk, tickets):
    client.force_login(desk["staff"])
    html = client.get("/console/", {"q": f"#{tickets['plain'].pk}"}).content.decode()
    assert "Order import slow" in html
    for i in range(3):
        _ticket(desk, f"Invoice number {i}")
    from meldpunt.web.queries import QueueQuery, queue_page

    first = queue_page(desk["staff"], QueueQuery(q="invoice"), limit=3)
    second = queue_page(desk["staff"], QueueQuery(q="invoice", cursor=first.next_cursor), limit=3)
    seen = [r.ticket.pk for r in first.rows + second.rows]
    assert len(seen) == len(set(seen)) == 6 and first.next_cursor == "r3" and second.next_cursor == ""
    assert client.get("/console/", {"q": "invoice", "cursor": "r-5"}).status_code == 400
    assert client.get("/console/", {"q": "invoice", "cursor": "r99999999"}).status_code == 400


@pytest.mark.parametrize("text", HOSTILE[:12])
def test_console_search_with_hostile_input_never_fails(client, desk, tickets, text):
    client.force_login(desk["staff"])
    assert client.get("/console/", {"q": text}).status_code == 200


def test_console_search_box_is_in_dutch_for_a_dutch_agent(client, desk, tickets):
    client.force_login(desk["staff"])
    previous = translation.get_language()
    try:
        html = client.get("/console/", {"q": "invoice"}, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    finally:  # the request leaves Dutch active in this thread: later tests expect their own language
        translation.activate(previous)
    assert "Zoeken" in html and "Woorden, #nummer of foutcode" in html


# ---------------------------------------------------------------- API
def test_api_search_best_match_first_with_offset_paging(desk, tickets):
    api = Api(desk["staff"])
    body = api.get("/api/tickets", q="invoice", limit=2).json()  # in the subject before in the text
    assert {t["id"] for t in body["items"]} == {tickets["invoice"].pk, tickets["beta"].pk}
    assert body["next_offset"] == 2
    body = api.get("/api/tickets", q="invoice", limit=5, offset=2).json()
    assert [t["id"] for t in body["items"]] == [tickets["mention"].pk] and body["next_offset"] is None
    assert api.get("/api/tickets", q="itgen-1234").json()["items"][0]["id"] == tickets["invoice"].pk
    assert api.get("/api/tickets", q="invoice", before=5).status_code == 400


def test_api_search_for_customers_stays_in_their_organisation(desk, tickets):
    add_message(tickets["invoice"], "Interne notitie registersleutel", author=desk["staff"], public=False)
    coordinator = Api(desk["a_coord"].user)
    ids = {t["id"] for t in coordinator.get("/api/tickets", q="invoice").json()["items"]}
    assert ids == {tickets["invoice"].pk, tickets["mention"].pk}
    assert coordinator.get("/api/tickets", q="beta facturen").json()["items"] == []
    assert coordinator.get("/api/tickets", q=f"#{tickets['beta'].pk}").json()["items"] == []
    assert coordinator.get("/api/tickets", q="registersleutel").json()["items"] == []  # internal note
    assert Api(desk["staff"]).get("/api/tickets", q="registersleutel").json()["items"][0]["id"] == tickets["invoice"].pk
    plain = Api(desk["a_plain"].user)
    assert [t["id"] for t in plain.get("/api/tickets", q="order").json()["items"]] == [tickets["plain"].pk]
    assert plain.get("/api/tickets", q="invoice").json()["items"] == []


@pytest.mark.parametrize("text", HOSTILE[:12])
def test_api_search_with_hostile_input_never_fails(desk, tickets, text):
    assert Api(desk["staff"]).get("/api/tickets", q=text).status_code in (200, 422)


# ---------------------------------------------------------------- portal
def test_portal_search_within_the_organisation_with_marked_matches(client, desk, tickets):
    client.force_login(desk["a_coord"].user)
    html = client.get("/portal/", {"q": "invoice"}).content.decode()
    assert "<mark>Invoice</mark> &lt;b&gt;run&lt;/b&gt; fails" in html
    assert "Printer offline" in html and "Beta" not in html
    html = client.get("/portal/", {"q": "facturen"}).content.decode()
    assert "Beta" not in html and "No requests match your search" in html
    html = client.get("/portal/", {"q": str(tickets["beta"].pk)}).content.decode()
    assert "Invoice export of Beta" not in html


def test_portal_search_of_a_plain_contact_and_bad_paging(client, desk, tickets):
    client.force_login(desk["a_plain"].user)
    html = client.get("/portal/", {"q": "invoice"}).content.decode()
    assert "Invoice" not in html.split("<tbody", 1)[1]
    assert "<mark>Order</mark> import slow" in client.get("/portal/", {"q": "order"}).content.decode()
    assert client.get("/portal/", {"q": "order", "offset": "x"}).status_code == 400
    for text in HOSTILE[:12]:
        assert client.get("/portal/", {"q": text}).status_code == 200
