"""A confirmation says what the customer needs (#21): the number, the priority, the response
and resolution deadlines in words, where to follow the request — the portal link for someone
with a login, replying by mail for a stranger — and greets the reporter by name."""

from __future__ import annotations

import re

import pytest

from meldpunt.intake import outbox
from meldpunt.intake.services import ingest
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db

DUTCH_DAY = r"(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4} \d{2}:\d{2}"


def _confirmation(ticket):
    return outbox.queue(ticket, "confirmation", later=False)


def test_a_contact_gets_priority_deadlines_in_words_and_the_portal_link(settings):
    settings.MELDPUNT_SITE_URL = "https://desk.example.com"
    org = f.organisation("Bakkerij De Vries", language="nl")
    jan = f.contact(org, language="nl")
    agreement = f.agreement(org, "erpm", "medium")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=jan, subject="Orders komen niet binnen",
                                         impact="organisation", urgency="high", channel="portal", language="nl"), actor=jan.user)
    body = _confirmation(ticket).body
    assert body.startswith(f"Beste {jan.name},")
    assert "Prioriteit A" in body and "Prioriteit: Prioriteit" not in body
    assert re.search(rf"Wij reageren uiterlijk {DUTCH_DAY}\.", body), body
    assert re.search(rf"Wij streven ernaar het uiterlijk {DUTCH_DAY} op te lossen\.", body), body
    assert f"https://desk.example.com/portal/requests/{ticket.pk}/" in body


def test_without_a_site_address_a_contact_is_told_to_log_in(settings):
    settings.MELDPUNT_SITE_URL = ""
    org = f.organisation("Contoso", language="en")
    ann = f.contact(org, language="en")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org, "erpm", "small"), contact=ann,
                                         subject="Slow", priority="C", channel="portal", language="en"), actor=ann.user)
    body = _confirmation(ticket).body
    assert "Priority C" in body and "Priority: Priority" not in body and "http" not in body
    assert "in the portal, where you log in as usual" in body


def test_a_stranger_is_greeted_by_the_name_in_from_and_told_to_reply_by_mail():
    raw = mail(sender='"Karel Appel" <karel@example.org>', subject="Question about your product",
               body="Hello, I would like to know more about your support.", message_id="<k-1@example.org>")
    ticket = Ticket.objects.get(pk=ingest(raw).ticket)
    assert ticket.contact is None and ticket.reporter_name == "Karel Appel"
    body = _confirmation(ticket).body
    assert body.startswith("Dear Karel Appel,") and "karel@example.org" not in body.splitlines()[0]
    assert "Priority: to be assessed" in body
    assert f"reply to this mail and keep [#{ticket.pk}] in the subject" in body
    assert "portal" not in body


def test_a_stranger_without_a_name_is_greeted_without_the_address():
    ticket = Ticket.objects.get(pk=ingest(mail(sender="piet@example.org", message_id="<p-1@example.org>")).ticket)
    body = _confirmation(ticket).body
    assert body.splitlines()[0] in ("Goedendag,", "Hello,")


def test_the_confirmation_page_names_priority_and_deadlines(client):
    org = f.organisation("Alpha BV", language="en")
    ann = f.contact(org, language="en")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org, "erpm", "small"), contact=ann,
                                         subject="Down", priority="B", channel="portal", language="en"), actor=ann.user)
    client.force_login(ann.user)
    html = client.get(f"/portal/requests/{ticket.pk}/registered/").content.decode()
    assert "<strong>Priority B</strong>" in html and "Priority: Priority" not in html
    assert re.search(r"We respond by \w+day \d{1,2} \w+ \d{4} \d{2}:\d{2}\.", html), html
