"""Free slots lie only inside the vendor's service hours and never on its holidays or closed days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.utils import translation

from meldpunt.bookings import selectors
from meldpunt.bookings.services import BookingError, publish_availability
from meldpunt.contracts.models import ClosedDay
from meldpunt.contracts.services import current_version
from tests.support import factories as f
from tests.support.bookings_setup import AMS, invantive_desk

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; a page test before may have left Dutch active."""
    with translation.override("en"):
        yield



@pytest.fixture
def desk():
    return invantive_desk()


def _slots(minutes: int, first_day: date, days: int, now: datetime):
    version = current_version("invantive")
    rules = selectors.settings_of(version)
    return selectors.slots(version, rules, minutes, first_day=first_day, days=days, now=now), version, rules


def _local(slot):
    return datetime.fromtimestamp(slot.start, AMS), datetime.fromtimestamp(slot.end, AMS)


def test_slots_never_fall_outside_service_hours_or_on_kings_day(desk):
    # Week of King's Day 2027 (Tuesday 27 April); Anna's hours run 08:00–18:00, wider than service hours.
    slots, version, rules = _slots(60, date(2027, 4, 26), 7, now=f.ams(2027, 4, 20, 12))
    calendar = selectors.calendar_of(version, rules)
    days = sorted({_local(s)[0].date() for s in slots})
    assert days == [date(2027, 4, 26), date(2027, 4, 28), date(2027, 4, 29), date(2027, 4, 30)]
    for slot in slots:
        start, end = _local(slot)
        assert time(9) <= start.time() and end.time() <= time(17), (start, end)
        assert calendar.is_open(slot.start) and calendar.elapsed_seconds(slot.start, slot.end) == 3600
    # 09:00 … 16:00 starts every half hour = 15 per service day.
    assert len(slots) == 4 * 15


def test_no_slots_on_christmas_boxing_day_or_a_vendor_closed_day(desk):
    ClosedDay.objects.create(vendor="invantive", calendar="service", date=date(2026, 12, 28), reason="Inventory")
    slots, _version, _rules = _slots(30, date(2026, 12, 24), 6, now=f.ams(2026, 12, 1, 9))
    days = sorted({_local(s)[0].date() for s in slots})
    assert days == [date(2026, 12, 24), date(2026, 12, 29)]  # 25/26 holidays, 27 Sunday, 28 closed


def test_slots_follow_summer_time(desk):
    # CEST starts 28 March 2027; 29 March is Easter Monday (closed); on the 30th the first
    # slot is 09:00 local = 07:00 UTC (in winter it was 08:00 UTC).
    slots, _v, _r = _slots(30, date(2027, 3, 26), 5, now=f.ams(2027, 3, 1, 9))
    firsts = {}
    for slot in slots:
        firsts.setdefault(_local(slot)[0].date(), datetime.fromtimestamp(slot.start, UTC).time())
    assert firsts == {date(2027, 3, 26): time(8), date(2027, 3, 30): time(7)}


def test_a_window_outside_service_hours_or_on_a_holiday_is_refused(desk):
    with pytest.raises(BookingError, match="outside the service hours"):
        publish_availability(agent=desk["agent"], vendor="invantive", weekday=5, starts=time(10), ends=time(12))
    with pytest.raises(BookingError, match="outside the service hours"):
        publish_availability(agent=desk["agent"], vendor="invantive", weekday=0, starts=time(18), ends=time(20))
    with translation.override("nl"), pytest.raises(BookingError) as dutch:  # the hours in the reader's language
        publish_availability(agent=desk["agent"], vendor="invantive", weekday=0, starts=time(18), ends=time(20))
    assert "buiten de service-uren (ma–vr 09:00–17:00; NL feestdagen gesloten)" in str(dutch.value)
    with pytest.raises(BookingError, match="holiday or closed day"):
        publish_availability(agent=desk["agent"], vendor="invantive", on_date=date(2027, 4, 27),
                             starts=time(10), ends=time(12))
    with pytest.raises(BookingError, match="between 1900 and 2200"):  # the years calendars cover
        publish_availability(agent=desk["agent"], vendor="invantive", on_date=date(2500, 4, 26),
                             starts=time(10), ends=time(12))
    with pytest.raises(BookingError, match="half hour"):
        publish_availability(agent=desk["agent"], vendor="invantive", weekday=0, starts=time(10, 15), ends=time(12))
    with pytest.raises(BookingError, match="does not offer"):
        publish_availability(agent=desk["agent"], vendor="erpm", weekday=0, starts=time(10), ends=time(12))


def test_a_dated_window_offers_times_that_day_only(desk):
    other = f.staff_user()
    publish_availability(agent=other, vendor="invantive", on_date=date(2027, 5, 3), starts=time(14), ends=time(15))
    slots, _v, _r = _slots(60, date(2027, 5, 3), 7, now=f.ams(2027, 4, 1, 9))
    theirs = [s for s in slots if s.agent == other.pk]
    assert [(_local(s)[0].time(), _local(s)[1].time()) for s in theirs] == [(time(14), time(15))]


def test_no_slot_before_the_notice_period(desk):
    now = f.ams(2027, 5, 4, 10, 10)
    slots, _v, rules = _slots(30, date(2027, 5, 4), 1, now=now)
    assert rules.notice_hours == 1
    assert _local(slots[0])[0].time() == time(11, 30)  # first grid start at least an hour from 10:10
