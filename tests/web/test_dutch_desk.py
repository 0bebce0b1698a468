"""A Dutch agent reads the desk in Dutch (issue 21): the queue, the triage queue, and the
console and triage pages of a request of every channel, on the demo's data plus one request
for each channel the demo leaves out. Known English phrases of the desk must be absent, their
Dutch present."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from meldpunt.contracts.models import Agreement
from meldpunt.tickets.models import CHANNEL_CHOICES, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.triage.followup import follow_up_pending

pytestmark = pytest.mark.django_db

#: Phrases of the desk that could reach a Dutch agent in English (issue 21): the priority,
#: clock and channel words, coverage, and what an English customer's request lacks.
ENGLISH = ("to be assessed", "The priority is not assessed", "No agreement on this request", "Registered via",
           "covered by agreement", "The version you need a licence key for", "A description of the problem",
           "Why this deadline", "business time", "Calendar:", "Received ")
#: Their Dutch, each on at least one of the pages.
DUTCH = ("nog te beoordelen", "Geregistreerd via Noodnummer", "Geregistreerd via Monitoring",
         "valt onder overeenkomst", "Geen overeenkomst bij dit verzoek", "Waarom deze deadline", "werktijd",
         "Kalender:")


@pytest.fixture
def desk(client):
    call_command("load_demo")
    agreement = Agreement.objects.select_related("organisation").filter(catalog__vendor="erpm").first()
    contact = agreement.organisation.contacts.first()
    missing = {code for code, _label in CHANNEL_CHOICES} - set(Ticket.objects.values_list("channel", flat=True))
    for channel in sorted(missing):
        create_ticket(NewRequest(organisation=agreement.organisation, agreement=agreement, contact=contact,
                                 subject=f"Storing gemeld via {channel}", channel=channel, language="nl"))
    follow_up_pending()  # the worker's assessment: completeness, coverage, proposals
    client.login(username="agent", password="agent-demo-2026")
    client.cookies["django_language"] = "nl"
    return client


def _text(html: str) -> str:
    """What a person reads: the page without its tags, scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_desk_reads_dutch_for_requests_of_every_channel(desk):
    assert set(Ticket.objects.values_list("channel", flat=True)) == {code for code, _label in CHANNEL_CHOICES}
    urls = ["/console/", "/console/triage/"]
    for pk in Ticket.objects.order_by("pk").values_list("pk", flat=True):
        urls += [f"/console/tickets/{pk}/", f"/console/triage/{pk}/"]
    pages = {}
    for url in urls:
        response = desk.get(url)
        assert response.status_code == 200, url
        pages[url] = _text(response.content.decode())
    found = [f"{url}: …{text[max(0, text.find(p) - 80): text.find(p) + 80]}…"
             for url, text in pages.items() for p in ENGLISH if p in text]
    assert found == []
    every = " ".join(pages.values())
    for dutch in DUTCH:
        assert dutch in every, dutch
    # What a request of an English customer lacks reads in the agent's Dutch (the catalog's words).
    licence = Ticket.objects.get(subject="New licence key for release 25.0")
    assert "De versie waarvoor u een licentiesleutel nodig hebt" in pages[f"/console/triage/{licence.pk}/"]
    assert "De versie waarvoor u een licentiesleutel nodig hebt" in pages["/console/triage/"]
