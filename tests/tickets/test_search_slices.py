"""How PostgreSQL search finds the newest matches (issue 19: p95 <= 100 ms at a million
tickets): the first slice walked, then walks, slices from the GIN and BRIN indexes, or all
remaining matches from the GIN index, as the density of matches seen so far says. Each way
must give exactly the newest matches, newest first, whatever the scope."""

from __future__ import annotations

import os

import pytest

from meldpunt.tickets import search as search_module
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.search import parse, search_ids
from tests.support import factories as f

pytestmark = pytest.mark.django_db

#: Made-up words: on every ticket, on every third, on every eleventh (and "gonfal" on two).
WORDS = {"ovalin": 1, "brisko": 3, "dravok": 11}
COUNT = 90


@pytest.fixture
def many(desk):
    made = []
    for i in range(COUNT):
        org = "b" if i % 9 == 4 else "a"
        words = " ".join(word for word, every in WORDS.items() if i % every == 0)
        rare = " gonfal" if i in (2, 61) else ""
        made.append(create_ticket(NewRequest(
            organisation=desk[f"org_{org}"], agreement=desk[f"agr_{org}"], kind="question", impact="one",
            urgency="low", received_at=f.ams(2026, 12, 1, 9, 0), subject=f"Case {words}{rare}"))[0].pk)
    return made


def _expected(tickets, word: str, window: int) -> list[int]:
    matching = [t.pk for t in tickets.order_by("-id") if word in t.subject.split()]
    return matching[:window]


if os.environ.get("DATABASE_URL"):

    @pytest.mark.postgres
    @pytest.mark.parametrize("window", [4, 12, 40])
    def test_every_way_of_slicing_gives_exactly_the_newest_matches(many, desk, monkeypatch, window):
        for name, value in {"FIRST_SLICE": 5, "WALK": 10, "FEW": 4, "GROWTH": 2, "WINDOW": window}.items():
            monkeypatch.setattr(search_module, name, value)
        scopes = {
            "all": Ticket.objects.all(),
            "wide": Ticket.objects.filter(organisation=desk["org_a"]),  # most ids: sliced
            "narrow": Ticket.objects.filter(organisation=desk["org_b"]),  # few ids: the planner's
        }
        for label, tickets in scopes.items():
            for word in ("ovalin", "brisko", "dravok", "gonfal", "nothing"):
                got = search_module._newest_pg(tickets, parse(word), True)
                assert got == _expected(tickets, word, window), (label, word, window)

    @pytest.mark.postgres
    def test_a_ticket_number_is_found_first_however_far_back(many, monkeypatch):
        for name, value in {"FIRST_SLICE": 5, "WALK": 10, "FEW": 4, "GROWTH": 2}.items():
            monkeypatch.setattr(search_module, name, value)
        assert search_ids(Ticket.objects.all(), f"#{many[1]}", internal=True)[0] == many[1]
        assert search_ids(Ticket.objects.all(), "gonfal", internal=True) == [many[61], many[2]]
