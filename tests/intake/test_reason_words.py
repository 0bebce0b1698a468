"""Issue 21: why a mail came to its outcome is kept as notes and worded for the reader, so a
Dutch agent reads Dutch and an English agent English, from the same stored row; a row from
before notes keeps its English sentence."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from meldpunt.intake.models import InboundMail
from meldpunt.intake.services import handle_held, ingest
from meldpunt.tickets.models import Ticket, TicketEvent
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def jan():
    return f.mail_sender()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _page(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    return _text(client.get(url).content.decode())


def _forward(client, raw: bytes, language: str) -> str:
    client.cookies["django_language"] = language
    return _text(client.post("/intake/forward/", {"pasted": raw.decode()}).content.decode())


def test_the_forward_page_words_the_outcome_in_the_agents_language(jan, client):
    client.force_login(f.staff_user())
    dutch = _forward(client, mail(message_id="<nl-1@devries.test>"), "nl")
    assert "nieuwe melding van Jan de Vries (Bakkerij De Vries)" in dutch and "new request from" not in dutch
    english = _forward(client, mail(message_id="<nl-1@devries.test>"), "en")  # the same mail again
    assert "created a ticket" in english
    assert "new request from Jan de Vries (Bakkerij De Vries) (already registered)" in english
    assert "nieuwe melding" not in english
    row = InboundMail.objects.get(key="<nl-1@devries.test>")
    assert row.notes == [{"code": "new", "name": "Jan de Vries", "organisation": "Bakkerij De Vries"}]
    assert row.legacy_reason == ""  # no English stored


def test_a_released_mail_reads_in_each_agents_language_in_the_admin(jan, client, settings):
    settings.MELDPUNT_MAIL_THROTTLE_PER_HOUR = 1
    ingest(mail(message_id="<a@devries.test>"))
    assert ingest(mail(message_id="<b@devries.test>", subject="Nog een")).outcome == "held"
    admin = get_user_model().objects.create_superuser("lisa", "lisa@vendor.test", "pw-admin-123")
    handle_held([InboundMail.objects.get(key="<b@devries.test>").pk], "release", agent=admin)
    row = InboundMail.objects.get(key="<b@devries.test>")
    assert [n["code"] for n in row.notes] == ["held", "released", "new"]
    client.force_login(admin)
    url = f"/admin/intake/inboundmail/{row.pk}/change/"
    english = _page(client, url, "en")
    assert ("held: more than 1 mails from jan@devries.test in an hour; an agent releases or discards it; "
            "released by lisa; new request from Jan de Vries (Bakkerij De Vries)") in english
    dutch = _page(client, url, "nl")
    assert ("vastgehouden: meer dan 1 mails van jan@devries.test in een uur; een medewerker geeft het vrij of "
            "verwerpt het; vrijgegeven door lisa; nieuwe melding van Jan de Vries (Bakkerij De Vries)") in dutch


def test_an_old_rows_english_reason_still_shows_and_is_kept_when_more_happens(jan):
    row = InboundMail.objects.create(key="<old@devries.test>", raw=b"x", outcome="held", sender="jan@devries.test",
                                     legacy_reason="held: more than 30 mails from jan@devries.test in an hour")
    assert row.reason == "held: more than 30 mails from jan@devries.test in an hour"
    assert row.noted({"code": "discarded", "by": "lisa"}) == [
        {"code": "text", "text": "held: more than 30 mails from jan@devries.test in an hour"},
        {"code": "discarded", "by": "lisa"}]


@pytest.mark.django_db(transaction=True)  # the confirmation is written after the commit
def test_a_withheld_confirmation_reads_in_the_agents_language_on_the_ticket(client, smtp_sink, settings):
    f.catalogs()
    settings.MELDPUNT_CONFIRM_UNKNOWN_PER_ADDRESS = 1
    results = [ingest(mail(sender="victim@elsewhere.test", message_id=f"<w-{n}@x.test>", subject=f"Hi {n}"))
               for n in range(2)]
    event = TicketEvent.objects.get(ticket_id=results[1].ticket, kind="confirmation_withheld")
    assert event.data["reason"] == {"code": "not_confirmed_address", "count": 1, "address": "victim@elsewhere.test"}
    client.force_login(f.staff_user())
    url = f"/console/tickets/{results[1].ticket}/"
    dutch = _page(client, url, "nl")
    assert ("Bevestiging aan victim@elsewhere.test niet verstuurd: niet bevestigd: al 1 bevestigingen aan "
            "victim@elsewhere.test in het afgelopen uur") in dutch
    english = _page(client, url, "en")
    assert ("Confirmation to victim@elsewhere.test not sent: not confirmed: 1 confirmations to "
            "victim@elsewhere.test in the last hour already") in english


def test_a_mail_without_subject_is_titled_in_the_customers_language(jan):
    nl = ingest(mail(message_id="<ns-1@devries.test>", subject=""))
    assert Ticket.objects.get(pk=nl.ticket).subject == "(geen onderwerp)"
    jan.language = "en"
    jan.save(update_fields=["language"])
    en = ingest(mail(message_id="<ns-2@devries.test>", subject=""))
    assert Ticket.objects.get(pk=en.ticket).subject == "(no subject)"
