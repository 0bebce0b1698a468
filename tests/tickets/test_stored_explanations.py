"""Issue 21: a clock's explanation stored in English (before the core returned structured
lines, or by the current code) is read in the reader's language on the ticket page: the
English reader gets it as stored, a Dutch reader gets it derived again, never the English."""

from __future__ import annotations

import re

import pytest

from meldpunt.tickets.models import Clock, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db

OLD = ["Calendar: Workdays (stored before issue 21)", "Due: some day (old form)"]


@pytest.fixture
def ticket():
    org = f.organisation("Bakkerij De Vries", language="nl")
    found, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org, "erpm", "small"), subject="Down",
                                        impact="organisation", urgency="high", received_at=f.ams(2026, 3, 12, 9, 0)))
    Clock.objects.filter(ticket=found).exclude(state="none").update(explanation=OLD)
    return found


def _page(client, ticket, language: str) -> str:
    client.cookies["django_language"] = language
    html = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_old_english_explanation_reads_dutch_for_a_dutch_agent(ticket, client):
    client.force_login(f.staff_user())
    english, dutch = _page(client, ticket, "en"), _page(client, ticket, "nl")
    assert "Calendar: Workdays (stored before issue 21)" in english
    assert "stored before issue 21" not in dutch and "Kalender:" in dutch


def test_a_clock_whose_terms_are_gone_says_why_in_the_readers_language(ticket, client):
    Ticket.objects.filter(pk=ticket.pk).update(agreement=None)  # stored clocks not recomputed yet
    client.force_login(f.staff_user())
    dutch = _page(client, ticket, "nl")
    assert "Geen overeenkomst bij dit verzoek" in dutch and "stored before issue 21" not in dutch
