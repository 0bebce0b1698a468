"""A customer's reply to a resolved request (issue 19 item 4): within the catalog's reopen
window it reopens the request and the resolution clock resumes where it stopped; later, or
on a closed request, it starts a new request linked to the old one, by portal and by mail."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from meldpunt.contracts.services import current_version, load_catalog_text
from meldpunt.core.catalog import DEFAULT_REOPEN_DAYS, CatalogError
from meldpunt.core.catalog_loader import parse_catalog
from meldpunt.intake.services import ingest
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.replies import customer_reply, linked
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status
from tests.support import factories as f
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db
PRESETS = Path(__file__).resolve().parents[2] / "src" / "meldpunt" / "catalogs"


def _resolved(desk, *, at=None, agreement=None):
    """A request of Alpha's coordinator, answered and resolved at ``at``."""
    agreement = agreement or desk["agr_a"]
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=agreement, contact=desk["a_coord"],
                                         subject="Voorraad klopt niet", impact="organisation", urgency="high",
                                         received_at=f.ams(2026, 3, 2, 9, 0)))
    add_message(ticket, "We kijken ernaar.", author=desk["staff"], at=f.ams(2026, 3, 2, 9, 30))
    return change_status(ticket, "resolved", actor=desk["staff"], at=at or f.ams(2026, 3, 2, 12, 0))


def _resolution(ticket):
    return ticket.clocks.get(metric="resolution")


def test_reply_within_the_window_reopens_and_the_clock_resumes(desk):
    ticket = _resolved(desk)
    before = _resolution(ticket)
    assert before.state == "stopped" and before.stopped_at == f.ams(2026, 3, 2, 12, 0)
    reply = customer_reply(ticket, "Het probleem is terug.", author=desk["a_coord"].user,
                           at=f.ams(2026, 3, 4, 10, 0))
    ticket.refresh_from_db()
    assert (reply.outcome, reply.ticket.pk, ticket.status) == ("reopened", ticket.pk, "in_progress")
    assert ticket.events.filter(kind="reopened", data__message=reply.message.pk).exists()
    after = _resolution(ticket)
    assert after.state == "running" and after.stopped_at is None
    # The two days it stood resolved are a pause: the due moment moves by them (ERP.M A: 1 workday).
    assert [datetime.fromisoformat(m) for m in after.pauses[-1][:2]] == [f.ams(2026, 3, 2, 12, 0), f.ams(2026, 3, 4, 10, 0)]
    assert after.due_at > before.due_at
    assert ticket.next_due_at == after.due_at


def test_reply_after_the_window_starts_a_linked_request(desk):
    ticket = _resolved(desk)
    late = f.ams(2026, 3, 2, 12, 0) + timedelta(days=DEFAULT_REOPEN_DAYS, hours=1)
    reply = customer_reply(ticket, "Weer fout.", author=desk["a_coord"].user, at=late)
    ticket.refresh_from_db()
    new = reply.ticket
    assert reply.outcome == "follow_up" and new.pk != ticket.pk and ticket.status == "resolved"
    assert (new.organisation, new.agreement, new.contact, new.kind) == (ticket.organisation, ticket.agreement,
                                                                        ticket.contact, ticket.kind)
    assert new.description == "Weer fout." and reply.message.ticket_id == new.pk
    assert linked(new) == {"previous": ticket.pk, "follow_ups": []}
    assert linked(ticket) == {"previous": None, "follow_ups": [new.pk]}


def test_reply_to_a_closed_request_starts_a_new_one_even_within_the_window(desk):
    ticket = change_status(_resolved(desk), "closed", actor=desk["staff"], at=f.ams(2026, 3, 2, 13, 0))
    reply = customer_reply(ticket, "Nog een vraag.", author=desk["a_coord"].user, at=f.ams(2026, 3, 3, 9, 0))
    assert reply.outcome == "follow_up"
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_reply_to_an_open_request_is_appended(desk):
    ticket = _resolved(desk)
    ticket = change_status(ticket, "in_progress", actor=desk["staff"])
    reply = customer_reply(ticket, "Aanvulling.", author=desk["a_coord"].user)
    assert (reply.outcome, reply.ticket.pk) == ("appended", ticket.pk)


def test_the_window_is_catalog_data(desk):
    preset = current_version("erpm")
    text = preset.source.replace('version = "2026.1"', 'version = "2026.1-reopen"\nreopen_days = 2', 1)
    version, _ = load_catalog_text(text, "erpm-reopen.toml")
    assert version.parsed().reopen_days == 2 and preset.parsed().reopen_days == DEFAULT_REOPEN_DAYS
    agreement = f.agreement(desk["org_a"], "erpm", "small")
    agreement.catalog = version
    agreement.save(update_fields=["catalog"])
    first = _resolved(desk, agreement=agreement)
    assert customer_reply(first, "Dag 2", at=f.ams(2026, 3, 4, 11, 0)).outcome == "reopened"
    second = _resolved(desk, agreement=agreement)
    assert customer_reply(second, "Dag 3", at=f.ams(2026, 3, 5, 12, 1)).outcome == "follow_up"


@pytest.mark.parametrize("value", ["-1", '"14"', "true", "4000", "1.5"])
def test_a_bad_window_rejects_the_catalog_naming_the_field(value):
    text = (PRESETS / "erpm.toml").read_text().replace('currency = "EUR"', f'currency = "EUR"\nreopen_days = {value}', 1)
    with pytest.raises(CatalogError) as error:
        parse_catalog(text, "erpm.toml")
    assert error.value.field == "reopen_days" and error.value.line == 6


def test_portal_reply_reopens_and_a_late_one_links_both_pages(desk):
    portal = Client()
    portal.force_login(desk["a_coord"].user)
    ticket = _resolved(desk, at=f.ams(2026, 3, 2, 12, 0))
    # Resolved long ago (the page's reply is now): a new request, linked both ways.
    response = portal.post(f"/portal/requests/{ticket.pk}/", {"body": "Het werkt weer niet."})
    new = Ticket.objects.exclude(pk=ticket.pk).get(organisation=desk["org_a"])
    assert response.status_code == 302 and response["Location"].endswith(f"/portal/requests/{new.pk}/")
    page = portal.get(f"/portal/requests/{new.pk}/").content.decode()
    assert f'href="/portal/requests/{ticket.pk}/"' in page and "follow-up-links" in page
    assert f'href="/portal/requests/{new.pk}/"' in portal.get(f"/portal/requests/{ticket.pk}/").content.decode()
    console = Client()
    console.force_login(desk["staff"])
    old_page = console.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert f'href="/console/tickets/{new.pk}/"' in old_page
    assert f"started request #{new.pk}" in old_page
    # A fresh resolution: the portal reply reopens it.
    new = change_status(new, "resolved", actor=desk["staff"])
    portal.post(f"/portal/requests/{new.pk}/", {"body": "Toch nog iets."})
    assert Ticket.objects.get(pk=new.pk).status == "in_progress"
    assert "Reopened by the customer" in console.get(f"/console/tickets/{new.pk}/").content.decode()


def test_portal_offers_a_closed_request_a_follow_up(desk):
    ticket = change_status(_resolved(desk), "closed", actor=desk["staff"])
    portal = Client()
    portal.force_login(desk["a_coord"].user)
    assert 'id="closed-note"' in portal.get(f"/portal/requests/{ticket.pk}/").content.decode()
    response = portal.post(f"/portal/requests/{ticket.pk}/", {"body": "Vervolgvraag."}, follow=True)
    new = Ticket.objects.exclude(pk=ticket.pk).get(organisation=desk["org_a"])
    assert response.redirect_chain[-1][0] == f"/portal/requests/{new.pk}/"
    assert f"started request #{new.pk}" in response.content.decode()


def test_api_reply_of_a_customer_says_which_request_it_went_to(desk):
    api = Api(desk["a_coord"].user)
    ticket = _resolved(desk, at=timezone.now())  # the API's reply is now: within the window
    reopened = api.post(f"/api/tickets/{ticket.pk}/messages", {"body": "Weer stuk."})
    assert reopened.status_code == 201 and reopened.json()["ticket"] == ticket.pk
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"
    change_status(ticket, "closed", actor=desk["staff"])
    later = api.post(f"/api/tickets/{ticket.pk}/messages", {"body": "Nieuwe vraag."})
    new = Ticket.objects.exclude(pk=ticket.pk).get(organisation=desk["org_a"])
    assert later.status_code == 201 and later.json()["ticket"] == new.pk
    assert linked(new)["previous"] == ticket.pk


def _reply_mail(sender: str, number: int, body: str, key: str) -> bytes:
    return (f"From: {sender}\r\nTo: support@erpm.test\r\nSubject: Re: [#{number}] Voorraad klopt niet\r\n"
            f"Message-ID: <{key}@customer.test>\r\nDate: Wed, 04 Mar 2026 10:00:00 +0100\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def test_mail_reply_reopens_within_the_window_and_starts_a_request_after_it(desk):
    sender = desk["a_coord"].email
    ticket = _resolved(desk)
    result = ingest(_reply_mail(sender, ticket.pk, "Nog steeds fout.", "r1"), received_at=f.ams(2026, 3, 4, 10, 0))
    assert (result.outcome, result.ticket) == ("appended", ticket.pk) and "reopened" in result.reason
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"
    change_status(ticket, "resolved", actor=desk["staff"], at=f.ams(2026, 3, 5, 9, 0))
    late = ingest(_reply_mail(sender, ticket.pk, "Weer.", "r2"), received_at=f.ams(2026, 4, 1, 9, 0))
    assert late.outcome == "created" and late.ticket != ticket.pk
    assert linked(Ticket.objects.get(pk=late.ticket))["previous"] == ticket.pk
