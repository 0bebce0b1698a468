"""SLA targets and explainable due moments (meldpunt.core.sla).

SPEC.md §4: every deadline must be explainable — which calendar, which target, which pauses,
which holidays were skipped. DESIGN.md "SLA semantics" fixes the rules checked here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from meldpunt.core.businesstime import Calendar, always_open
from meldpunt.core.calendars import build_calendar
from meldpunt.core.catalog_loader import load_preset
from meldpunt.core.sla import (
    Line,
    Pause,
    Target,
    business_time_left,
    compute_deadline,
    target_seconds,
)

AMS = ZoneInfo("Europe/Amsterdam")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.fixture(scope="module")
def workdays() -> Calendar:
    return build_calendar(load_preset("erpm").calendar("workdays"))


@pytest.fixture(scope="module")
def werkdagen() -> Calendar:
    """The same calendar with Dutch names (holidays named as the Dutch know them)."""
    return build_calendar(load_preset("erpm").calendar("workdays"), language="nl")


@pytest.fixture(scope="module")
def uneven() -> Calendar:
    return Calendar(
        id="uneven", name="Uneven", timezone="Europe/Amsterdam",
        weekly=[[(540, 1020)]] * 4 + [[(540, 780)]] + [[], []],
    )


# ------------------------------------------------------------------ Target.parse
@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [("90m", 90, "m"), ("2h", 2, "h"), ("3bd", 3, "bd"), (" 10 BD ", 10, "bd"), ("1 h", 1, "h"),
     ("planning", 0, "planning"), ("By Planning", 0, "planning")],
)
def test_target_parse_reads_minutes_hours_business_days_and_planning(text, amount, unit):
    target = Target.parse(text)
    assert (target.amount, target.unit) == (amount, unit)


@pytest.mark.parametrize("text", ["3x", "", "h", "2", "0h", "-1h", "1.5h", "2 days", "2d", "bd3", "plan", "2h30m"])
def test_target_parse_rejects_anything_else_and_says_what_it_expects(text):
    with pytest.raises(ValueError, match="is not a target like 90m, 2h, 3bd or planning"):
        Target.parse(text)


def test_target_prints_back_as_written():
    assert [str(Target.parse(t)) for t in ("90m", "2h", "3bd", "by planning")] == ["90m", "2h", "3bd", "planning"]


def test_a_target_knows_whether_it_is_by_planning():
    assert Target.parse("planning").by_planning and not Target.parse("2h").by_planning


def test_target_seconds_of_each_unit(workdays, uneven):
    start = int(at(2026, 12, 3, 15).timestamp())  # a Thursday
    assert target_seconds(workdays, Target.parse("90m"), start) == 90 * 60
    assert target_seconds(workdays, Target.parse("2h"), start) == 7200
    assert target_seconds(workdays, Target.parse("2bd"), start) == 2 * 8 * 3600
    # Uneven days: Thu 15:00 + 1 bd is Friday's closing (13:00): 2 h + 4 h.
    assert target_seconds(uneven, Target.parse("1bd"), start) == 6 * 3600
    with pytest.raises(ValueError, match="no business time"):
        target_seconds(workdays, Target.parse("planning"), start)


#: ERP.M's workdays: Monday to Friday 09:00–17:00 (minutes of the day), weekends closed.
OFFICE_WEEK = (((540, 1020),),) * 5 + ((), ())


def codes(deadline) -> list[str]:
    return [line.code for line in deadline.explanation]


# ---------------------------------------------------------------- compute_deadline
def test_explanation_names_the_calendar_the_target_and_the_due(workdays):
    deadline = compute_deadline(
        workdays, Target.parse("2h"), at(2026, 11, 30, 10), label="response, priority A"
    )
    assert deadline.due == at(2026, 11, 30, 12)
    assert deadline.state == "running"
    assert deadline.explanation == [
        Line("calendar", {"name": "Workdays 09:00–17:00", "weekly": OFFICE_WEEK, "holidays": "NL",
                          "zone": "Europe/Amsterdam"}),
        Line("target", {"label": "response, priority A", "target": Target.parse("2h"), "seconds": 7200}),
        Line("received", {"at": at(2026, 11, 30, 10)}),
        Line("due", {"at": at(2026, 11, 30, 12)}),
    ]
    # The core words nothing: the moments are the calendar's own, the app words them.
    assert deadline.explanation[-1].params["at"].tzinfo == AMS


def test_business_day_target_line_shows_the_day_length(workdays):
    deadline = compute_deadline(workdays, Target.parse("2bd"), at(2026, 11, 30, 10))
    assert deadline.explanation[1] == Line(
        "target_days", {"label": "", "target": Target.parse("2bd"), "per_day": 8 * 3600, "seconds": 16 * 3600})
    assert deadline.due == at(2026, 12, 2, 10)


def test_uneven_business_days_explain_the_position_rule(uneven):
    deadline = compute_deadline(uneven, Target.parse("1bd"), at(2026, 12, 3, 15))
    assert deadline.due == at(2026, 12, 4, 13)
    assert deadline.explanation[1] == Line(
        "target_service_days", {"label": "", "target": Target.parse("1bd"), "seconds": 6 * 3600})


def test_target_ending_at_closing_is_due_at_closing(workdays):
    deadline = compute_deadline(workdays, Target.parse("1bd"), at(2026, 11, 30, 9))
    assert deadline.due == at(2026, 11, 30, 17)
    assert deadline.explanation[-1] == Line("due", {"at": at(2026, 11, 30, 17)})


def test_receipt_outside_hours_is_explained_and_the_clock_starts_at_the_next_opening(workdays):
    deadline = compute_deadline(workdays, Target.parse("4h"), at(2026, 11, 28, 22, 15))  # Saturday
    assert deadline.started == at(2026, 11, 30, 9)
    assert deadline.due == at(2026, 11, 30, 13)
    assert deadline.explanation[2] == Line("received_outside", {"at": at(2026, 11, 28, 22, 15), "start": at(2026, 11, 30, 9)})


def test_skipped_holiday_is_named_in_the_explanation(workdays):
    deadline = compute_deadline(workdays, Target.parse("4h"), at(2026, 4, 24, 15))
    assert deadline.due == at(2026, 4, 28, 11)
    assert Line("skipped", {"kind": "holiday", "day": date(2026, 4, 27), "name": "King's Day"}) in deadline.explanation


def test_each_skipped_holiday_gets_its_own_line_in_order(workdays):
    deadline = compute_deadline(workdays, Target.parse("5bd"), at(2025, 12, 24, 12))
    skipped = [(line.params["day"], line.params["name"]) for line in deadline.explanation if line.code == "skipped"]
    assert skipped == [
        (date(2025, 12, 25), "Christmas Day"),
        (date(2025, 12, 26), "Second Day of Christmas"),
        (date(2026, 1, 1), "New Year's Day"),
    ]
    assert deadline.due == at(2026, 1, 5, 12)


def test_holidays_after_the_due_are_not_mentioned(workdays):
    deadline = compute_deadline(workdays, Target.parse("2h"), at(2026, 4, 24, 10))
    assert "skipped" not in codes(deadline)


def test_vendor_closed_day_is_explained_as_a_closed_day():
    definition = load_preset("erpm").calendar("workdays")
    cal = build_calendar(definition, extra_closed={date(2026, 12, 24): "Office outing"})
    deadline = compute_deadline(cal, Target.parse("2h"), at(2026, 12, 23, 16))
    assert Line("skipped", {"kind": "closed", "day": date(2026, 12, 24), "name": "Office outing"}) in deadline.explanation
    assert Line("skipped", {"kind": "holiday", "day": date(2026, 12, 25), "name": "Christmas Day"}) in deadline.explanation
    assert deadline.due == at(2026, 12, 28, 10)


def test_a_dutch_calendar_gives_its_dutch_names_and_the_same_lines(werkdagen, workdays):
    dutch = compute_deadline(werkdagen, Target.parse("1bd"), at(2026, 12, 24, 16), label="oplossing")
    english = compute_deadline(workdays, Target.parse("1bd"), at(2026, 12, 24, 16), label="oplossing")
    assert dutch.explanation[0].params["name"] == "Werkdagen 09:00–17:00"
    assert Line("skipped", {"kind": "holiday", "day": date(2026, 12, 25), "name": "Eerste kerstdag"}) in dutch.explanation
    assert codes(dutch) == codes(english) == ["calendar", "target_days", "received", "skipped", "due"]
    assert dutch.due == english.due == at(2026, 12, 28, 16)


def test_closed_pause_moves_the_due_and_is_explained_with_the_time_lost(workdays):
    pause = Pause(at(2026, 11, 30, 11), at(2026, 11, 30, 12, 30), "waiting for a log file")
    deadline = compute_deadline(workdays, Target.parse("2h"), at(2026, 11, 30, 10), [pause])
    assert deadline.due == at(2026, 11, 30, 13, 30)
    assert Line("paused", {"start": at(2026, 11, 30, 11), "end": at(2026, 11, 30, 12, 30), "seconds": 90 * 60}) in deadline.explanation


def test_pause_over_the_night_only_counts_its_business_time(workdays):
    pause = Pause(at(2026, 11, 30, 16), at(2026, 12, 1, 10))
    deadline = compute_deadline(workdays, Target.parse("2h"), at(2026, 11, 30, 15), [pause])
    assert deadline.due == at(2026, 12, 1, 11)
    assert [line.params["seconds"] for line in deadline.explanation if line.code == "paused"] == [7200]


def test_pause_before_receipt_only_counts_from_the_start(workdays):
    pause = Pause(at(2026, 11, 30, 8), at(2026, 11, 30, 11))
    deadline = compute_deadline(workdays, Target.parse("2h"), at(2026, 11, 30, 10), [pause])
    assert deadline.due == at(2026, 11, 30, 13)
    assert [line.params["seconds"] for line in deadline.explanation if line.code == "paused"] == [3600]


def test_pauses_after_the_due_are_not_mentioned(workdays):
    later = Pause(at(2026, 12, 2, 10), at(2026, 12, 2, 11))
    deadline = compute_deadline(workdays, Target.parse("2h"), at(2026, 11, 30, 10), [later])
    assert deadline.due == at(2026, 11, 30, 12)
    assert "paused" not in codes(deadline)


def test_open_pause_stops_the_clock_so_there_is_no_due(workdays):
    waiting = Pause(at(2026, 11, 30, 11))
    deadline = compute_deadline(workdays, Target.parse("2h"), at(2026, 11, 30, 10), [waiting])
    assert deadline.due is None
    assert deadline.state == "paused"
    assert deadline.explanation[-1] == Line("paused_open", {"since": at(2026, 11, 30, 11)})
    assert deadline.as_dict()["due"] is None


def test_planning_target_without_a_planned_date_has_no_due(workdays):
    deadline = compute_deadline(workdays, Target.parse("planning"), at(2026, 11, 30, 10))
    assert deadline.due is None
    assert deadline.state == "planning"
    assert deadline.explanation[1] == Line("target_planning", {"label": "", "target": Target.parse("planning")})
    assert deadline.explanation[-1] == Line("unplanned")


def test_planned_date_becomes_the_due_shown_in_the_calendar_zone(workdays):
    planned = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    deadline = compute_deadline(workdays, Target.parse("planning"), at(2026, 11, 30, 10), planned=planned)
    assert deadline.due == planned
    assert deadline.due.tzinfo == AMS
    assert deadline.state == "running"  # the clock runs to the planned date (issue 19)
    assert deadline.explanation[-1] == Line("planned", {"at": at(2026, 12, 4, 15)})
    assert deadline.explanation[-1].params["at"].tzinfo == AMS


def test_a_planned_clock_waiting_on_the_customer_is_paused_and_keeps_its_date(workdays):
    planned = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    waiting = [Pause(at(2026, 12, 1, 10), None, "waiting on customer")]
    deadline = compute_deadline(workdays, Target.parse("planning"), at(2026, 11, 30, 10), waiting, planned=planned)
    assert (deadline.state, deadline.due) == ("paused", planned)


def test_deadline_as_dict_is_plain_json_data(workdays):
    deadline = compute_deadline(workdays, Target.parse("2h"), at(2026, 11, 30, 10))
    assert deadline.as_dict() == {
        "due": "2026-11-30T12:00:00+01:00",
        "target": "2h",
        "calendar": "workdays",
        "started": "2026-11-30T10:00:00+01:00",
        "state": "running",
        "explanation": [
            {"code": "calendar", "params": {"name": "Workdays 09:00–17:00",
                                            "weekly": [[[540, 1020]]] * 5 + [[], []], "holidays": "NL",
                                            "zone": "Europe/Amsterdam"}},
            {"code": "target", "params": {"label": "", "target": "2h", "seconds": 7200}},
            {"code": "received", "params": {"at": "2026-11-30T10:00:00+01:00"}},
            {"code": "due", "params": {"at": "2026-11-30T12:00:00+01:00"}},
        ],
    }


def test_due_on_a_24x7_calendar_crosses_the_clock_change():
    deadline = compute_deadline(always_open(), Target.parse("24h"), at(2026, 10, 24, 12))
    assert deadline.due == at(2026, 10, 25, 11)
    assert deadline.explanation[-1] == Line("due", {"at": at(2026, 10, 25, 11)})
    assert deadline.explanation[-1].params["at"].tzname() == "CET"


# ------------------------------------------------------------- time left / breach
def test_business_time_left_counts_down_to_the_due(workdays):
    due = at(2026, 12, 1, 10)
    assert business_time_left(workdays, at(2026, 11, 30, 16), due) == 2 * 3600
    assert business_time_left(workdays, due, due) == 0


def test_business_time_left_is_negative_once_breached(workdays):
    due = at(2026, 11, 30, 16)
    assert business_time_left(workdays, at(2026, 12, 1, 10), due) == -2 * 3600


def test_business_time_left_ignores_paused_time(workdays):
    pauses = [Pause(at(2026, 11, 30, 16, 30), at(2026, 12, 1, 9, 30))]
    left = business_time_left(workdays, at(2026, 11, 30, 16), at(2026, 12, 1, 10), pauses)
    assert left == 60 * 60
    assert timedelta(seconds=left) == timedelta(hours=1)
