"""Business time on a service calendar (meldpunt.core.businesstime).

DESIGN.md "SLA semantics": a clock starts at receipt or the next opening, the due moment is
the *earliest* instant at which the business time has passed, pauses do not count, and
CET/CEST changes are real.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from meldpunt.core.businesstime import (
    Calendar,
    add_with_pauses,
    always_open,
    elapsed_with_pauses,
    epoch,
    merge_pauses,
    parse_range,
    weekly_from_mapping,
)
from meldpunt.core.calendars import CalendarDef, ExtraDay, HolidayRule, build_calendar
from meldpunt.core.catalog_loader import load_preset

AMS = ZoneInfo("Europe/Amsterdam")
HOUR = 3600
DAY_9_17 = [(9 * 60, 17 * 60)]
WEEKDAYS_9_17 = [DAY_9_17] * 5 + [[], []]


def at(*args: int) -> datetime:
    """A wall-clock moment in Amsterdam."""
    return datetime(*args, tzinfo=AMS)


def ts(*args: int) -> int:
    return epoch(at(*args))


def office(closed: dict[date, str] | None = None, weekly=None) -> Calendar:
    """Mon–Fri 09:00–17:00 Amsterdam with hand-picked closed days."""
    closed = closed or {}
    return Calendar(
        id="office",
        name="Office",
        timezone="Europe/Amsterdam",
        weekly=weekly or WEEKDAYS_9_17,
        closed_days=lambda year: {d: ("closed", why) for d, why in closed.items() if d.year == year},
    )


@pytest.fixture(scope="module")
def workdays() -> Calendar:
    """ERP.M's workdays calendar: Mon–Fri 09:00–17:00 with the Dutch preset holidays."""
    return build_calendar(load_preset("erpm").calendar("workdays"))


@pytest.fixture
def lunch() -> Calendar:
    """Mon–Fri 09:00–12:00 and 13:00–17:00 (two ranges a day)."""
    return office(weekly=[[(540, 720), (780, 1020)]] * 5 + [[], []])


@pytest.fixture
def uneven() -> Calendar:
    """Mon–Thu 09:00–17:00 (8 h), Fri 09:00–13:00 (4 h): service days of unequal length."""
    return office(weekly=[DAY_9_17] * 4 + [[(540, 780)]] + [[], []])


# ----------------------------------------------------------------- parse_range
@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:00-17:00", (540, 1020)), ("00:00-24:00", (0, 1440)), (" 6:30 - 23:00 ", (390, 1380))],
)
def test_parse_range_reads_hours_and_minutes_into_minutes_since_midnight(text, expected):
    assert parse_range(text) == expected


@pytest.mark.parametrize(
    "text",
    ["17:00-09:00", "09:00-09:00", "09:00", "09:00-17:00-18:00", "9-17", "09:60-10:00", "24:30-24:45",
     "25:00-26:00", "00:00-24:01", "ab:cd-17:00", ""],
)
def test_parse_range_rejects_text_that_is_not_an_ordered_range_within_a_day(text):
    with pytest.raises(ValueError, match="range|start before"):
        parse_range(text)


def test_weekly_mapping_names_an_unknown_weekday():
    with pytest.raises(ValueError, match="unknown weekday 'mom'"):
        weekly_from_mapping({"mom": ["09:00-17:00"]})


def test_weekly_mapping_puts_monday_first_and_leaves_missing_days_closed():
    weekly = weekly_from_mapping({"sun": ["10:00-12:00"], "mon": ["09:00-17:00"]})
    assert weekly[0] == [(540, 1020)]
    assert weekly[6] == [(600, 720)]
    assert weekly[1:6] == [[]] * 5


# ------------------------------------------------------------ Calendar itself
def test_calendar_needs_seven_weekdays():
    with pytest.raises(ValueError, match="seven days"):
        Calendar(id="x", name="x", timezone="Europe/Amsterdam", weekly=[DAY_9_17] * 5)


def test_calendar_without_any_service_hours_is_refused():
    with pytest.raises(ValueError, match="no service hours"):
        Calendar(id="x", name="x", timezone="Europe/Amsterdam", weekly=[[]] * 7)


def test_overlapping_and_touching_ranges_merge_into_one_opening():
    cal = office(weekly=[[(540, 720), (700, 800), (800, 900)]] + [[]] * 6)
    assert cal.weekly[0] == ((540, 900),)
    assert cal.day_minutes == 360


def test_day_minutes_is_known_only_when_all_service_days_are_equally_long(uneven, lunch):
    assert office().day_minutes == 480
    assert lunch.day_minutes == 420
    assert uneven.day_minutes is None


# ------------------------------------------------------------------ add / due
def test_target_within_the_day_is_due_the_same_day(workdays):
    assert workdays.add(at(2026, 11, 30, 10, 15), timedelta(hours=2)) == at(2026, 11, 30, 12, 15)


def test_target_ending_at_closing_is_due_at_closing_not_next_morning(workdays):
    due = workdays.add(at(2026, 11, 30, 9), timedelta(hours=8))
    assert due == at(2026, 11, 30, 17)
    assert (due.hour, due.minute) == (17, 0)


def test_one_second_past_closing_carries_over_to_the_next_opening(workdays):
    due = workdays.add(at(2026, 11, 30, 9), timedelta(hours=8, seconds=1))
    assert due == at(2026, 12, 1, 9, 0, 1)


def test_remaining_time_carries_over_the_night(workdays):
    assert workdays.add(at(2026, 11, 30, 16), timedelta(hours=2)) == at(2026, 12, 1, 10)


def test_friday_afternoon_target_skips_the_weekend(workdays):
    assert workdays.add(at(2026, 12, 4, 16, 30), timedelta(hours=1)) == at(2026, 12, 7, 9, 30)


def test_receipt_outside_service_hours_starts_the_clock_at_the_next_opening(workdays):
    saturday_night = at(2026, 12, 5, 23, 40)
    assert workdays.add(saturday_night, timedelta(minutes=90)) == at(2026, 12, 7, 10, 30)
    early_morning = at(2026, 12, 7, 6, 0)
    assert workdays.add(early_morning, timedelta(minutes=90)) == at(2026, 12, 7, 10, 30)


def test_receipt_exactly_at_closing_counts_from_the_next_opening(workdays):
    assert workdays.add(at(2026, 12, 7, 17), timedelta(minutes=1)) == at(2026, 12, 8, 9, 1)


def test_kings_day_on_a_monday_is_skipped(workdays):
    # 2026-04-27 is a Monday and King's Day.
    assert workdays.add(at(2026, 4, 24, 16), timedelta(hours=2)) == at(2026, 4, 28, 10)


def test_christmas_and_boxing_day_are_both_skipped(workdays):
    # 2025-12-25/26 are Thursday and Friday.
    assert workdays.add(at(2025, 12, 24, 16), timedelta(hours=2)) == at(2025, 12, 29, 10)


def test_ascension_and_whit_monday_and_new_year_are_closed(workdays):
    for day in (date(2026, 5, 14), date(2026, 5, 25), date(2027, 1, 1)):
        assert not workdays.is_open(ts(day.year, day.month, day.day, 12))


def test_good_friday_and_liberation_day_are_working_days_in_the_presets(workdays):
    good_friday_2026 = at(2026, 4, 3, 10)
    liberation_day_2025 = at(2025, 5, 5, 10)  # a lustrum year, and a Monday
    assert workdays.is_open(epoch(good_friday_2026))
    assert workdays.is_open(epoch(liberation_day_2025))
    assert workdays.add(at(2026, 4, 2, 16), timedelta(hours=2)) == at(2026, 4, 3, 10)


def test_switches_close_good_friday_and_liberation_day_every_year():
    definition = load_preset("erpm").calendar("workdays")
    assert definition.holidays is not None
    rule = replace(definition.holidays, without=frozenset({"Liberation Day"}),
                   extra=(ExtraDay(5, 5, "Liberation Day", "Bevrijdingsdag"),))
    switched = replace(definition, holidays=rule)
    cal = build_calendar(switched)
    assert not cal.is_open(ts(2026, 4, 3, 10))  # Good Friday
    assert not cal.is_open(ts(2026, 5, 5, 10))  # Liberation Day, not a lustrum year
    names = {d.name for d in cal.closed_days_between(ts(2026, 4, 1), ts(2026, 5, 6))}
    assert {"Good Friday", "Liberation Day", "Easter Monday", "King's Day"} <= names


def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday():
    mon_to_sat = build_calendar(
        CalendarDef(
            id="six", name={"en": "Six days"}, timezone="Europe/Amsterdam",
            weekly=tuple([((540, 1020),)] * 6 + [()]), holidays=HolidayRule("NL"),
        )
    )
    # 27 April 2031 is a Sunday: the Saturday before is closed, the Monday after is open.
    assert not mon_to_sat.is_open(ts(2031, 4, 26, 10))
    assert mon_to_sat.is_open(ts(2031, 4, 28, 10))
    [kings_day] = mon_to_sat.closed_days_between(ts(2031, 4, 25), ts(2031, 4, 29))
    assert (kings_day.day, kings_day.name) == (date(2031, 4, 26), "King's Day")


def test_vendor_closed_day_is_skipped_and_named():
    cal = office({date(2026, 12, 24): "Christmas Eve, office closed"})
    # No holiday set in this hand-made calendar: Christmas Day (a Friday) is open.
    assert cal.add(at(2026, 12, 23, 16), timedelta(hours=2)) == at(2026, 12, 25, 10)
    assert office().add(at(2026, 12, 23, 16), timedelta(hours=2)) == at(2026, 12, 24, 10)
    [closed] = cal.closed_days_between(ts(2026, 12, 23, 16), ts(2026, 12, 25, 10))
    assert (closed.day, closed.kind, closed.name) == (date(2026, 12, 24), "closed", "Christmas Eve, office closed")


def test_closed_days_on_weekends_are_not_reported_as_skipped(workdays):
    # Boxing Day 2026 is a Saturday: no service that day anyway.
    names = [d.name for d in workdays.closed_days_between(ts(2026, 12, 24), ts(2026, 12, 29))]
    assert names == ["Christmas Day"]


def test_zero_business_time_is_due_at_the_next_opening(workdays):
    assert workdays.add(at(2026, 12, 5, 12), timedelta(0)) == at(2026, 12, 7, 9)
    assert workdays.add(at(2026, 12, 7, 12), timedelta(0)) == at(2026, 12, 7, 12)


def test_due_is_shown_in_the_calendar_zone_whatever_zone_the_input_had(workdays):
    due = workdays.add(datetime(2026, 11, 30, 8, 0, tzinfo=UTC), timedelta(hours=1))
    assert due.tzinfo == AMS
    assert due == at(2026, 11, 30, 10)  # 08:00 UTC is 09:00 CET


def test_naive_datetimes_are_refused(workdays):
    with pytest.raises(ValueError, match="no time zone"):
        workdays.add(datetime(2026, 11, 30, 9), timedelta(hours=1))
    with pytest.raises(ValueError, match="no time zone"):
        workdays.between(at(2026, 11, 30, 9), datetime(2026, 11, 30, 10))


def test_lunch_break_is_not_business_time(lunch):
    assert lunch.add(at(2026, 11, 30, 11), timedelta(hours=2)) == at(2026, 11, 30, 14)
    assert lunch.between(at(2026, 11, 30, 11), at(2026, 11, 30, 14)) == timedelta(hours=2)


def test_target_ending_at_the_start_of_lunch_is_due_before_lunch(lunch):
    assert lunch.add(at(2026, 11, 30, 9), timedelta(hours=3)) == at(2026, 11, 30, 12)


def test_receipt_during_lunch_starts_after_lunch(lunch):
    assert lunch.add(at(2026, 11, 30, 12, 20), timedelta(minutes=5)) == at(2026, 11, 30, 13, 5)


# ------------------------------------------------------------ elapsed/between
def test_business_time_between_counts_only_service_hours(workdays):
    assert workdays.between(at(2026, 12, 4, 16), at(2026, 12, 7, 10)) == timedelta(hours=2)
    assert workdays.between(at(2026, 12, 5, 8), at(2026, 12, 6, 20)) == timedelta(0)


def test_business_time_between_is_zero_when_the_end_is_not_after_the_start(workdays):
    assert workdays.elapsed_seconds(ts(2026, 12, 7, 12), ts(2026, 12, 7, 10)) == 0
    assert workdays.elapsed_seconds(ts(2026, 12, 7, 12), ts(2026, 12, 7, 12)) == 0


def test_a_full_working_week_is_forty_hours(workdays):
    assert workdays.between(at(2026, 11, 30), at(2026, 12, 7)) == timedelta(hours=40)


def test_adding_then_measuring_gives_the_same_business_time_back(workdays):
    start = at(2026, 4, 24, 15, 17)
    for minutes in (1, 43, 480, 481, 2400, 10_000):
        due = workdays.add(start, timedelta(minutes=minutes))
        assert workdays.between(start, due) == timedelta(minutes=minutes)


# ------------------------------------------------------------- next opening
def test_next_open_is_the_moment_itself_while_open(workdays):
    assert workdays.next_open(ts(2026, 12, 7, 9)) == ts(2026, 12, 7, 9)
    assert workdays.is_open(ts(2026, 12, 7, 16, 59, 59))


def test_closing_time_is_not_open_and_leads_to_the_next_morning(workdays):
    assert not workdays.is_open(ts(2026, 12, 7, 17))
    assert workdays.next_open(ts(2026, 12, 7, 17)) == ts(2026, 12, 8, 9)


def test_next_open_after_friday_closing_is_monday_morning(workdays):
    assert workdays.next_open(ts(2026, 12, 4, 17, 30)) == ts(2026, 12, 7, 9)


def test_next_open_over_christmas_skips_both_holidays_and_the_weekend(workdays):
    assert workdays.next_open(ts(2025, 12, 24, 17)) == ts(2025, 12, 29, 9)


# ------------------------------------------------------------- business days
def test_one_business_day_on_equal_days_is_the_same_time_next_service_day(workdays):
    assert epoch(workdays.localize(workdays.add_business_days(ts(2026, 11, 30, 10), 1))) == ts(2026, 12, 1, 10)
    assert workdays.add_business_days(ts(2026, 12, 4, 10), 1) == ts(2026, 12, 7, 10)


def test_one_business_day_from_the_opening_is_due_at_that_days_closing(workdays):
    assert workdays.add_business_days(ts(2026, 11, 30, 9), 1) == ts(2026, 11, 30, 17)


def test_business_days_skip_holidays(workdays):
    # Wed 2026-05-13 10:00 + 2 bd: Ascension (Thu 14th) is closed → Mon 18th 10:00.
    assert workdays.add_business_days(ts(2026, 5, 13, 10), 2) == ts(2026, 5, 18, 10)


def test_business_days_from_outside_hours_count_from_the_next_opening(workdays):
    assert workdays.add_business_days(ts(2026, 12, 5, 12), 1) == ts(2026, 12, 7, 17)


def test_uneven_days_keep_the_position_within_the_day(uneven):
    # Wed 10:00 + 2 bd → Fri 10:00 (one hour into Friday's short day).
    assert uneven.add_business_days(ts(2026, 12, 2, 10), 2) == ts(2026, 12, 4, 10)
    # Fri 11:00 + 1 bd → Mon 11:00, although Friday is only four hours long.
    assert uneven.add_business_days(ts(2026, 12, 4, 11), 1) == ts(2026, 12, 7, 11)


def test_uneven_days_cap_the_position_at_a_short_days_closing(uneven):
    # Thu 15:00 is six hours into the day; Friday has only four: due at Friday's closing.
    assert uneven.add_business_days(ts(2026, 12, 3, 15), 1) == ts(2026, 12, 4, 13)


def test_uneven_days_from_an_opening_are_due_at_the_previous_days_closing(uneven):
    # Mon 09:00 + 1 bd: all of Monday's business time has passed at Monday 17:00.
    assert uneven.add_business_days(ts(2026, 11, 30, 9), 1) == ts(2026, 11, 30, 17)
    # Thu 09:00 + 2 bd → Friday's closing 13:00, not Monday 09:00.
    assert uneven.add_business_days(ts(2026, 12, 3, 9), 2) == ts(2026, 12, 4, 13)


def test_uneven_business_days_measured_in_business_seconds(uneven):
    # Fri 11:00 → Mon 11:00 is 2 h on Friday plus 2 h on Monday.
    assert uneven.business_days_in_seconds(ts(2026, 12, 4, 11), 1) == 4 * HOUR
    assert uneven.business_days_in_seconds(ts(2026, 12, 3, 15), 1) == 2 * HOUR + 4 * HOUR


def test_business_days_far_ahead_grow_the_table(uneven):
    start = ts(2026, 12, 2, 10)
    due = uneven.add_business_days(start, 5 * 365)  # about seven years of service days
    assert uneven.localize(due).weekday() == 2  # same weekday, same position
    assert uneven.localize(due).hour == 10
    assert uneven.localize(due).year == 2033


# ---------------------------------------------------------------------- pauses
def test_merge_pauses_sorts_merges_overlaps_and_touches_and_drops_empty_ones():
    assert merge_pauses([(50, 60), (10, 20), (15, 30), (30, 35), (40, 40), (45, 41)]) == [
        (10, 35),
        (50, 60),
    ]
    assert merge_pauses([]) == []


def test_pause_inside_service_hours_moves_the_due_by_its_business_length(workdays):
    pause = [(at(2026, 11, 30, 11), at(2026, 11, 30, 12, 30))]
    assert workdays.add(at(2026, 11, 30, 10), timedelta(hours=2), pause) == at(2026, 11, 30, 13, 30)


def test_pause_outside_service_hours_changes_nothing(workdays):
    night = [(at(2026, 11, 30, 18), at(2026, 12, 1, 8))]
    assert workdays.add(at(2026, 11, 30, 16), timedelta(hours=2), night) == at(2026, 12, 1, 10)


def test_pause_over_the_night_only_loses_the_business_hours_inside_it(workdays):
    pause = [(at(2026, 11, 30, 16), at(2026, 12, 1, 10))]  # loses 1 h Mon + 1 h Tue
    assert workdays.add(at(2026, 11, 30, 15), timedelta(hours=2), pause) == at(2026, 12, 1, 11)


def test_pause_covering_the_receipt_starts_the_clock_when_it_ends(workdays):
    pause = [(at(2026, 11, 30, 8), at(2026, 11, 30, 14))]
    assert workdays.add(at(2026, 11, 30, 10), timedelta(hours=1), pause) == at(2026, 11, 30, 15)


def test_pause_starting_at_the_due_moment_does_not_delay_it(workdays):
    pause = [(at(2026, 11, 30, 12), at(2026, 11, 30, 16))]
    assert workdays.add(at(2026, 11, 30, 10), timedelta(hours=2), pause) == at(2026, 11, 30, 12)


def test_pause_after_the_due_moment_does_not_delay_it(workdays):
    pause = [(at(2026, 12, 1, 9), at(2026, 12, 2, 9))]
    assert workdays.add(at(2026, 11, 30, 10), timedelta(hours=2), pause) == at(2026, 11, 30, 12)


def test_overlapping_pauses_count_once(workdays):
    pauses = [(at(2026, 11, 30, 11), at(2026, 11, 30, 12)), (at(2026, 11, 30, 11, 30), at(2026, 11, 30, 12, 30))]
    assert workdays.add(at(2026, 11, 30, 10), timedelta(hours=2), pauses) == at(2026, 11, 30, 13, 30)


def test_pause_on_a_holiday_has_no_effect(workdays):
    kings_day = [(at(2026, 4, 27, 9), at(2026, 4, 27, 17))]
    assert workdays.add(at(2026, 4, 24, 16), timedelta(hours=2), kings_day) == at(2026, 4, 28, 10)


def test_business_time_between_leaves_out_paused_business_time(workdays):
    a, b = ts(2026, 11, 30, 9), ts(2026, 12, 1, 17)
    pauses = [(ts(2026, 11, 30, 16), ts(2026, 12, 1, 10)), (ts(2026, 12, 1, 16), ts(2026, 12, 3, 9))]
    assert elapsed_with_pauses(workdays, a, b, pauses) == 16 * HOUR - 2 * HOUR - 1 * HOUR


def test_pauses_outside_the_measured_span_are_ignored(workdays):
    a, b = ts(2026, 11, 30, 10), ts(2026, 11, 30, 12)
    pauses = [(ts(2026, 11, 27, 9), ts(2026, 11, 27, 17)), (ts(2026, 11, 30, 13), ts(2026, 11, 30, 14))]
    assert elapsed_with_pauses(workdays, a, b, pauses) == 2 * HOUR


def test_add_with_pauses_and_elapsed_with_pauses_round_trip(workdays):
    start = ts(2026, 4, 23, 14, 5)
    pauses = [(ts(2026, 4, 23, 15), ts(2026, 4, 24, 10)), (ts(2026, 4, 28, 9, 30), ts(2026, 4, 28, 9, 45))]
    for seconds in (60, 3 * HOUR, 8 * HOUR, 20 * HOUR + 7):
        due = add_with_pauses(workdays, start, seconds, pauses)
        assert elapsed_with_pauses(workdays, start, due, pauses) == seconds


# ----------------------------------------------------------------------- DST
def test_24x7_day_with_the_march_change_has_23_hours():
    cal = always_open()
    # 2026-03-29 is the last Sunday of March: 02:00 CET becomes 03:00 CEST.
    assert cal.between(at(2026, 3, 28, 12), at(2026, 3, 29, 12)) == timedelta(hours=23)
    assert cal.between(at(2026, 3, 29), at(2026, 3, 30)) == timedelta(hours=23)


def test_24x7_day_with_the_october_change_has_25_hours():
    cal = always_open()
    # 2026-10-25 is the last Sunday of October: 03:00 CEST becomes 02:00 CET.
    assert cal.between(at(2026, 10, 24, 12), at(2026, 10, 25, 12)) == timedelta(hours=25)
    assert cal.between(at(2026, 10, 25), at(2026, 10, 26)) == timedelta(hours=25)


def test_24x7_adding_hours_across_the_march_change_lands_an_hour_later_on_the_clock():
    cal = always_open()
    due = cal.add(at(2026, 3, 28, 12), timedelta(hours=24))
    assert due == at(2026, 3, 29, 13)
    assert due.utcoffset() == timedelta(hours=2)
    assert due.tzname() == "CEST"


def test_24x7_adding_hours_across_the_october_change_lands_an_hour_earlier_on_the_clock():
    cal = always_open()
    due = cal.add(at(2026, 10, 24, 12), timedelta(hours=24))
    assert due == at(2026, 10, 25, 11)
    assert due.tzname() == "CET"


def test_24x7_counts_the_repeated_october_hour_twice():
    cal = always_open()
    first_two = datetime(2026, 10, 25, 2, 0, tzinfo=AMS, fold=0)  # 02:00 CEST
    second_two = datetime(2026, 10, 25, 2, 0, tzinfo=AMS, fold=1)  # 02:00 CET
    assert cal.between(first_two, second_two) == timedelta(hours=1)
    assert cal.add(first_two, timedelta(minutes=90)).isoformat() == "2026-10-25T02:30:00+01:00"


def test_24x7_one_business_day_is_24_hours_of_business_time():
    cal = always_open()
    assert cal.day_minutes == 1440
    assert cal.add_business_days(ts(2026, 3, 28, 12), 1) == ts(2026, 3, 29, 13)


def test_office_hours_keep_their_wall_clock_times_across_the_change(workdays):
    # Fri 2026-03-27 16:00 CET + 2 h → Mon 2026-03-30 10:00 CEST.
    due = workdays.add(at(2026, 3, 27, 16), timedelta(hours=2))
    assert due == at(2026, 3, 30, 10)
    assert due.utcoffset() == timedelta(hours=2)
    assert workdays.between(at(2026, 3, 27, 9), at(2026, 3, 30, 17)) == timedelta(hours=16)
    assert workdays.between(at(2026, 10, 23, 9), at(2026, 10, 26, 17)) == timedelta(hours=16)


def test_opening_hours_inside_the_skipped_hour_start_when_the_clock_resumes():
    # A (contrived) 02:30–04:00 range: on 2026-03-29 02:30 does not exist, so the day has
    # the 30 minutes from 03:30 CEST (what 02:30 CET would have been) until 04:00 CEST.
    cal = Calendar(id="n", name="n", timezone="Europe/Amsterdam", weekly=[[(150, 240)]] * 7)
    assert cal.elapsed_seconds(ts(2026, 3, 29), ts(2026, 3, 30)) == 30 * 60
    assert cal.next_open(ts(2026, 3, 29)) == ts(2026, 3, 29, 3, 30)
    assert cal.elapsed_seconds(ts(2026, 3, 28), ts(2026, 3, 29)) == 90 * 60


# ---------------------------------------------------------------- table growth
def test_far_future_instants_work_and_grow_the_table():
    cal = office()
    assert cal.add(at(2026, 1, 5, 9), timedelta(hours=1)) == at(2026, 1, 5, 10)
    assert cal._years is not None and cal._years[1] < 2150  # a few years around 2026
    # 2150-01-02 is a Friday.
    assert cal.add(at(2150, 1, 2, 16), timedelta(hours=2)) == at(2150, 1, 5, 10)
    assert cal._years[1] >= 2151
    assert cal.add(at(2026, 1, 5, 9), timedelta(hours=1)) == at(2026, 1, 5, 10)


def test_far_past_instants_work_and_keep_earlier_answers_valid():
    cal = office()
    a, b = ts(2026, 1, 5, 9), ts(2026, 1, 12, 9)
    assert cal.elapsed_seconds(a, b) == 40 * HOUR
    # 1975-01-03 is a Friday; growing the table backwards moves its origin.
    assert cal.add(at(1975, 1, 3, 16), timedelta(hours=2)) == at(1975, 1, 6, 10)
    assert cal._years[0] <= 1974
    assert cal.elapsed_seconds(a, b) == 40 * HOUR
    assert cal.elapsed_seconds(ts(1975, 1, 6, 9), a) == cal.elapsed_seconds(ts(1975, 1, 6, 9), ts(2026, 1, 5, 9))


def test_spans_reaching_from_far_past_to_far_future_are_measured():
    cal = office()
    weeks = (date(2126, 1, 7) - date(1976, 1, 5)).days // 7  # both Mondays
    assert cal.elapsed_seconds(ts(1976, 1, 5, 9), ts(2126, 1, 7, 9)) == weeks * 40 * HOUR


def test_adding_more_than_the_table_holds_grows_it_forwards():
    cal = office()
    start = ts(2026, 1, 5, 9)  # a Monday; table covers 2024–2029 now
    ten_years_of_weeks = 520
    due = cal.add_seconds(start, ten_years_of_weeks * 40 * HOUR)
    last_friday = date(2026, 1, 5) + timedelta(weeks=ten_years_of_weeks, days=-3)
    assert due == ts(last_friday.year, last_friday.month, last_friday.day, 17)  # at closing
    assert cal.elapsed_seconds(start, due) == ten_years_of_weeks * 40 * HOUR


def test_next_open_near_the_end_of_the_table_grows_it():
    cal = office()
    cal.next_open(ts(2026, 1, 5, 9))
    last_year = cal._years[1]
    new_years_eve = ts(last_year, 12, 31, 18)
    opening = cal.next_open(new_years_eve)
    assert cal.localize(opening).year == last_year + 1


def test_batch_add_matches_one_by_one_including_past_the_table(workdays):
    starts = [ts(2026, 4, 24, 16) + k * 7_919 for k in range(200)]
    for seconds in (0, 60, 8 * HOUR, 3_000 * HOUR):
        assert workdays.add_many(starts, seconds) == [workdays.add_seconds(t, seconds) for t in starts]
    assert workdays.add_many([], 60) == []
