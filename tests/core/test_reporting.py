"""The report arithmetic without a database: periods, attainment, aging, durations, what-if."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from meldpunt.core.reporting import (
    ClockRecord,
    Period,
    PeriodError,
    aging,
    attainment,
    compare,
    durations,
    outcome,
    total_attainment,
)

AMS = ZoneInfo("Europe/Amsterdam")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


def test_quarter_month_and_year_periods():
    q3 = Period.parse("2026Q3")
    assert (q3.first, q3.end, q3.last, str(q3)) == (date(2026, 7, 1), date(2026, 10, 1), date(2026, 9, 30), "2026Q3")
    assert Period.parse("2026-q4").end == date(2027, 1, 1)
    assert (Period.parse("2026-07").first, Period.parse("2026-07").end) == (date(2026, 7, 1), date(2026, 8, 1))
    assert Period.parse("2026").end == date(2027, 1, 1)
    assert [m.month for m in q3.months()] == [7, 8, 9]


def test_period_bounds_are_local_midnights_across_dst():
    start, end = Period.parse("2026Q4").bounds(AMS)
    assert start.utcoffset() == timedelta(hours=2) and end.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("text", ["2026Q5", "Q3", "2026-13", "last quarter", "", "0000", "0001-01", "9999Q4", "9999"])
def test_bad_periods_are_refused_with_the_text(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_the_years_a_period_may_cover_reach_as_far_as_date_arithmetic_is_safe():
    assert Period.parse("1900").bounds(AMS)[0].year == 1900
    assert Period.parse("2999Q4").bounds(AMS)[1].year == 3000


def test_quarter_before_a_day_is_the_last_complete_quarter():
    assert str(Period.quarter_before(date(2026, 10, 1))) == "2026Q3"
    assert str(Period.quarter_before(date(2026, 2, 14))) == "2025Q4"


def test_met_missed_pending_and_not_counted():
    now = at(2026, 7, 10, 12, 0)
    due = at(2026, 7, 8, 12, 0)
    assert outcome(ClockRecord("A", "response", due, due), now) == "met"  # stopped exactly at due
    assert outcome(ClockRecord("A", "response", due, due + timedelta(seconds=1)), now) == "missed"
    assert outcome(ClockRecord("A", "response", due, None), now) == "missed"  # breached and still running
    assert outcome(ClockRecord("A", "response", now + timedelta(hours=1), None), now) == "pending"
    assert outcome(ClockRecord("C", "resolution", None, None), now) is None  # by planning / paused


def test_attainment_rows_for_every_priority_and_totals():
    now = at(2026, 7, 10, 12, 0)
    due = at(2026, 7, 8, 12, 0)
    clocks = [
        ClockRecord("A", "response", due, due - timedelta(hours=1)),
        ClockRecord("A", "response", due, due + timedelta(hours=1)),
        ClockRecord("A", "response", due, None),
        ClockRecord("B", "resolution", due, due),
        ClockRecord("B", "resolution", now + timedelta(days=1), None),
    ]
    rows = {(r.priority, r.metric): r for r in attainment(clocks, now, ["A", "B", "C"], ["response", "resolution"])}
    assert len(rows) == 6
    a = rows[("A", "response")]
    assert (a.met, a.missed, a.pending, a.percent) == (1, 2, 0, 33.3)
    b = rows[("B", "resolution")]
    assert (b.met, b.missed, b.pending, b.percent) == (1, 0, 1, 100.0)
    assert rows[("C", "response")].percent is None
    total = total_attainment(rows.values(), "response")
    assert (total.met, total.counted) == (1, 3)


def test_aging_buckets_by_whole_days():
    now = at(2026, 10, 1, 0, 0)
    received = [now - timedelta(hours=23), now - timedelta(days=1), now - timedelta(days=6, hours=23),
                now - timedelta(days=7), now - timedelta(days=45), now - timedelta(days=90), now - timedelta(days=400)]
    assert aging(received, now) == {"< 1d": 1, "1–7d": 2, "7–30d": 1, "30–90d": 1, "> 90d": 2}


def test_durations_median_mean_and_longest_in_hours():
    d = durations([timedelta(hours=23, minutes=30), timedelta(hours=115), timedelta(hours=408)])
    assert (d.count, d.median_hours, d.mean_hours, d.max_hours) == (3, 115.0, 182.2, 408.0)
    assert durations([]).median_hours is None


def test_what_if_compares_only_clocks_counted_on_both_sides():
    now = at(2026, 7, 10, 12, 0)
    due = at(2026, 7, 8, 12, 0)
    stop = at(2026, 7, 8, 11, 0)
    pairs = [
        (ClockRecord("A", "response", due, stop), ClockRecord("A", "response", stop - timedelta(hours=1), stop)),
        (ClockRecord("B", "response", due, stop), ClockRecord("B", "response", due, stop)),
        (ClockRecord("C", "resolution", None, None), ClockRecord("C", "resolution", due, None)),  # not counted as it was
        (ClockRecord("D", "response", due, stop), None),  # no target under the scenario
    ]
    result = compare(pairs, now, ["A", "B", "C", "D"], ["response"], "premium")
    rows = {(r.priority, r.metric): r for r in result.rows}
    assert (rows[("A", "response")].actual_missed, rows[("A", "response")].scenario_missed) == (0, 1)
    assert rows[("B", "response")].counted == 1 and rows[("D", "response")].counted == 0
    assert result.totals() == (0, 1) and result.skipped == 1
