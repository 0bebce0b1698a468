"""The one due computation: the batch form answers exactly what the single form answers,
and the explained deadline (``compute_deadline``) is built on the single form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meldpunt.core.businesstime import Calendar, always_open, epoch
from meldpunt.core.calendars import build_calendar
from meldpunt.core.catalog_loader import load_preset
from meldpunt.core.due import Target, due_at, due_at_many
from meldpunt.core.sla import Pause, compute_deadline

AMS = ZoneInfo("Europe/Amsterdam")
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def preset(catalog: str, calendar_id: str) -> Calendar:
    return build_calendar(load_preset(catalog).calendar(calendar_id))


@cache
def uneven() -> Calendar:
    """Service days of different lengths, so ``bd`` targets depend on the start (DESIGN.md)."""
    weekly = [[(540, 1020)], [(540, 720)], [(480, 720), (780, 1080)], [(540, 1020)], [(540, 780)], [], []]
    closed = {date(2026, 12, 24), date(2026, 12, 31), date(2027, 4, 1)}
    return Calendar(id="uneven", name="uneven", timezone="Europe/Amsterdam", weekly=weekly,
                    closed_days=lambda year: {d: ("closed", "vendor") for d in closed if d.year == year})


calendars = st.sampled_from([
    lambda: preset("erpm", "workdays"), lambda: preset("erpm", "premium-incidents"),
    lambda: preset("invantive", "service"), lambda: preset("infor", "24x7"), uneven,
    lambda: always_open("Europe/Amsterdam"),
]).map(lambda make: make())
targets = st.one_of(
    st.builds(Target, st.integers(1, 600), st.just("m")),
    st.builds(Target, st.integers(1, 80), st.just("h")),
    st.builds(Target, st.integers(1, 12), st.just("bd")),
    st.just(Target(0, "planning")),
)
# Receipts in 2026–2027 (both DST changes, Christmas, King's Day), to the second.
moments = st.integers(epoch(datetime(2026, 1, 1, tzinfo=UTC)), epoch(datetime(2027, 12, 1, tzinfo=UTC)))


@st.composite
def clocks(draw):
    received = draw(moments)
    pauses = []
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 3))):
            a = received + draw(st.integers(-86_400, 20 * 86_400))
            pauses.append((a, a + draw(st.integers(0, 5 * 86_400))))
    return draw(targets), received, pauses


@SETTINGS
@given(calendars, st.lists(clocks(), max_size=40))
def test_the_batch_form_agrees_with_the_single_form_clock_by_clock(calendar, batch):
    got = due_at_many(calendar, [t for t, _, _ in batch], [r for _, r, _ in batch], [p for _, _, p in batch])
    assert got == [due_at(calendar, t, r, p) for t, r, p in batch]


@SETTINGS
@given(calendars, st.lists(st.tuples(targets, moments), max_size=40))
def test_without_pauses_the_batch_form_needs_no_pause_lists(calendar, batch):
    got = due_at_many(calendar, [t for t, _ in batch], [r for _, r in batch])
    assert got == [due_at(calendar, t, r) for t, r in batch]


@SETTINGS
@given(calendars, clocks())
def test_the_explained_deadline_is_the_single_form(calendar, clock):
    target, received, pauses = clock
    deadline = compute_deadline(calendar, target, datetime.fromtimestamp(received, UTC),
                                [Pause(datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC)) for a, b in pauses])
    start, due = due_at(calendar, target, received, pauses)
    assert epoch(deadline.started) == start
    assert (epoch(deadline.due) if deadline.due else None) == due


def test_a_clock_starts_at_the_next_opening_and_skips_the_closed_day():
    cal = uneven()
    received = epoch(datetime(2026, 12, 23, 19, 0, tzinfo=AMS))  # Wednesday evening, after closing
    start, due = due_at(cal, Target.parse("2h"), received)
    assert datetime.fromtimestamp(start, AMS) == datetime(2026, 12, 25, 9, 0, tzinfo=AMS)  # Thursday closed
    assert datetime.fromtimestamp(due, AMS) == datetime(2026, 12, 25, 11, 0, tzinfo=AMS)
    # A pause of that morning's first hour pushes the due moment by the business time it covers.
    paused = [(start, start + 3600)]
    assert due_at(cal, Target.parse("2h"), received, paused)[1] == due + 3600
    assert due_at_many(cal, [Target.parse("2h")] * 2, [received] * 2, [[], paused]) == [(start, due), (start, due + 3600)]


def test_planning_has_no_automatic_due_in_either_form():
    cal = preset("erpm", "workdays")
    received = epoch(datetime(2026, 6, 1, 10, 0, tzinfo=AMS))
    assert due_at(cal, Target.parse("planning"), received) == (received, None)
    assert due_at_many(cal, [Target.parse("planning")], [received]) == [(received, None)]


def test_the_batch_form_refuses_lists_of_different_lengths():
    cal = preset("erpm", "workdays")
    with pytest.raises(ValueError, match="one target, one receipt"):
        due_at_many(cal, [Target.parse("2h")], [0, 1])
    with pytest.raises(ValueError, match="one target, one receipt"):
        due_at_many(cal, [Target.parse("2h")], [0], [[], []])


def test_one_batch_over_a_year_of_receipts_matches_the_single_form():
    cal = preset("erpm", "workdays")
    base = datetime(2026, 1, 1, tzinfo=UTC)
    received = [epoch(base + timedelta(minutes=97 * i)) for i in range(5000)]
    plan = [Target.parse(t) for t in ("4h", "1bd", "90m", "3bd")] * 1250
    assert due_at_many(cal, plan, received) == [due_at(cal, t, r) for t, r in zip(plan, received, strict=True)]
