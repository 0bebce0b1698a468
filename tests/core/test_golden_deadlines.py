"""Golden deadlines for every row of the seed tables, computed by hand, through the CLI.

Dates: Mon 2026-11-30 is an ordinary week (CET, +01:00). Holidays in play: Christmas Day
(Fri 2026-12-25), New Year's Day (Fri 2027-01-01), King's Day (Mon 2026-04-27),
Ascension (Thu 2026-05-14), Whit Monday (Mon 2026-05-25).
"""

import json

import pytest

from meldpunt.cli import main

MON = "2026-11-30T10:00:00+01:00"


def deadline(capsys, *args: str) -> dict:
    assert main(["deadline", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def due(capsys, *args: str) -> str | None:
    return deadline(capsys, *args)["due"]


# --- Invantive categories I/II/III: response / repair time in business days (seeds 000, 001)
@pytest.mark.parametrize(
    "category, metric, expected",
    [
        ("I", "response", "2026-12-01T10:00:00+01:00"),  # 1 bd
        ("I", "resolution", "2026-12-14T10:00:00+01:00"),  # 10 bd
        ("II", "response", "2026-12-02T10:00:00+01:00"),  # 2 bd
        # 30 bd: Dec 1-4 (4), 7-11 (9), 14-18 (14), 21-24 (18), Christmas skipped,
        # 28-31 (22), New Year skipped, Jan 4-8 (27), 11, 12, 13 (30)
        ("II", "resolution", "2027-01-13T10:00:00+01:00"),
        ("III", "response", "2026-12-03T10:00:00+01:00"),  # 3 bd
    ],
)
def test_invantive_category_targets(capsys, category, metric, expected):
    assert due(capsys, "--catalog", "invantive", "--package", "subscription", "--priority", category,
               "--metric", metric, "--received", MON) == expected


def test_invantive_default_category_is_iii_and_repair_skips_dutch_holidays(capsys):
    # Fri 2026-04-24 16:00 CEST + 90 bd, hand-counted: King's Day, Ascension and Whit Monday
    # are skipped (Liberation Day is off in the preset) -> Wed 2026-09-02 16:00 CEST.
    result = deadline(capsys, "--catalog", "invantive", "--package", "subscription",
                      "--metric", "resolution", "--received", "2026-04-24T16:00:00+02:00")
    assert result["priority"] == "III"
    assert result["due"] == "2026-09-02T16:00:00+02:00"
    skipped = [line for line in result["explanation"] if line.startswith("Skipped holiday")]
    assert skipped == [
        "Skipped holiday: Monday 27 April 2026, King's Day",
        "Skipped holiday: Thursday 14 May 2026, Ascension Day",
        "Skipped holiday: Monday 25 May 2026, Pentecost Monday",
    ]


# --- ERP.M PrioritySupport A-D without Premium (workdays 09:00-17:00, seed 004)
@pytest.mark.parametrize(
    "priority, metric, expected",
    [
        ("A", "response", "2026-11-30T12:00:00+01:00"),  # < 2 h
        ("A", "resolution", "2026-12-01T10:00:00+01:00"),  # < 1 workday = 8 h
        ("B", "response", "2026-11-30T14:00:00+01:00"),  # < 4 h
        ("B", "resolution", "2026-12-02T10:00:00+01:00"),  # < 2 workdays
        ("C", "response", "2026-12-02T10:00:00+01:00"),  # < 2 workdays
        ("C", "resolution", None),  # by planning
        ("D", "response", "2026-12-07T10:00:00+01:00"),  # < 5 workdays
        ("D", "resolution", None),  # by planning
    ],
)
def test_erpm_priority_support(capsys, priority, metric, expected):
    assert due(capsys, "--catalog", "erpm", "--package", "small", "--priority", priority,
               "--metric", metric, "--received", MON) == expected


# --- ERP.M with Premium: incidents on workdays 06:00-23:00 (17 h a day)
@pytest.mark.parametrize(
    "priority, metric, expected",
    [
        ("A", "response", "2026-11-30T11:00:00+01:00"),  # < 1 h
        ("A", "resolution", "2026-12-01T10:00:00+01:00"),  # 1 workday = 17 h: 13 h Mon + 4 h Tue
        ("B", "response", "2026-11-30T12:00:00+01:00"),  # < 2 h
        ("B", "resolution", "2026-12-01T10:00:00+01:00"),  # < 1 workday
        ("C", "response", "2026-12-01T10:00:00+01:00"),  # < 1 workday
        ("C", "resolution", None),
        ("D", "response", "2026-12-03T10:00:00+01:00"),  # < 3 workdays
        ("D", "resolution", None),
    ],
)
def test_erpm_with_premium(capsys, priority, metric, expected):
    assert due(capsys, "--catalog", "erpm", "--package", "medium", "--addon", "premium",
               "--priority", priority, "--metric", metric, "--received", MON) == expected


def test_premium_incident_starts_at_six_but_a_question_waits_for_nine(capsys):
    early = "2026-11-30T07:00:00+01:00"
    incident = deadline(capsys, "--catalog", "erpm", "--package", "large", "--addon", "premium",
                        "--impact", "one", "--urgency", "low", "--metric", "response", "--received", early)
    assert incident["priority"] == "D" and incident["calendar"] == "premium-incidents"
    assert incident["due"] == "2026-12-03T07:00:00+01:00"  # 16 h Mon + 17 Tue + 17 Wed + 1 Thu
    question = deadline(capsys, "--catalog", "erpm", "--package", "large", "--addon", "premium",
                        "--kind", "question", "--metric", "response", "--received", early)
    assert question["priority"] == "D" and question["calendar"] == "workdays"
    assert question["due"] == "2026-12-02T17:00:00+01:00"  # starts 09:00, 3 x 8 h ends at closing


def test_matrix_organisation_wide_high_urgency_is_a(capsys):
    result = deadline(capsys, "--catalog", "erpm", "--package", "small", "--impact", "organisation",
                      "--urgency", "high", "--metric", "response", "--received", MON)
    assert result["priority"] == "A" and result["due"] == "2026-11-30T12:00:00+01:00"


def test_target_ending_exactly_at_closing_is_due_at_closing(capsys):
    assert due(capsys, "--catalog", "erpm", "--package", "small", "--priority", "A",
               "--metric", "resolution", "--received", "2026-11-30T09:00:00+01:00") == "2026-11-30T17:00:00+01:00"


def test_premium_response_over_the_weekend(capsys):
    # Fri 22:30: 30 min left that evening, then Mon 06:00 + 30 min
    assert due(capsys, "--catalog", "erpm", "--package", "small", "--addon", "premium", "--priority", "A",
               "--metric", "response", "--received", "2026-11-27T22:30:00+01:00") == "2026-11-30T06:30:00+01:00"


# --- Infor: 24x7 (Premium, Elite) and 24 h per workday (Xtreme) critical-issue calendars
def test_infor_24x7_counts_real_hours_across_the_spring_dst_change(capsys):
    assert due(capsys, "--calendar", "infor:24x7", "--target", "4h",
               "--received", "2026-03-29T00:30:00+01:00") == "2026-03-29T05:30:00+02:00"


def test_infor_24h_per_workday_skips_the_weekend(capsys):
    assert due(capsys, "--calendar", "infor:workday-24h", "--target", "4h",
               "--received", "2026-11-27T22:00:00+01:00") == "2026-11-30T02:00:00+01:00"
    assert due(capsys, "--calendar", "infor:workday-24h", "--target", "1bd",
               "--received", "2026-11-27T22:00:00+01:00") == "2026-11-30T22:00:00+01:00"


def test_infor_critical_issue_calendar_per_package(capsys):
    from meldpunt.core.catalog_loader import load_preset

    infor = load_preset("infor")
    assert infor.calendar_for("xtreme", [], "incident", "critical").id == "workday-24h"
    assert infor.calendar_for("xtreme-premium", [], "incident", "critical").id == "24x7"
    assert infor.calendar_for("xtreme-elite", [], "incident", "critical").id == "24x7"
    assert infor.calendar_for("xtreme-elite", [], "incident", "high").id == "office"


def test_builtin_24x7_across_the_autumn_dst_change(capsys):
    # 01:30 CEST + 90 real minutes = the second 02:00, now CET
    assert due(capsys, "--calendar", "24x7", "--target", "90m",
               "--received", "2026-10-25T01:30:00+02:00") == "2026-10-25T02:00:00+01:00"


def test_pause_pushes_the_due_moment_and_is_explained(capsys):
    result = deadline(capsys, "--catalog", "erpm", "--package", "small", "--priority", "A", "--metric", "resolution",
                      "--received", MON, "--pause", "2026-11-30T11:00:00+01:00/2026-11-30T14:30:00+01:00")
    assert result["due"] == "2026-12-01T13:30:00+01:00"
    assert ("Paused Monday 30 November 2026 11:00 – Monday 30 November 2026 14:30: 3h 30m of business time "
            "not counted") in result["explanation"]


def test_invantive_licence_key_within_24_real_hours(capsys):
    # Seed 000: the key is available within 24 hours — on the around-the-clock calendar
    result = deadline(capsys, "--catalog", "invantive", "--package", "subscription", "--kind", "licence_key",
                      "--metric", "resolution", "--received", "2026-12-24T16:00:00+01:00")
    assert result["calendar"] == "around-the-clock"
    assert result["due"] == "2026-12-25T16:00:00+01:00"


def test_target_rule_for_any_priority_yields_to_a_specific_one():
    from meldpunt.core.catalog_loader import load_preset

    erpm = load_preset("erpm")
    assert str(erpm.target_for("small", [], "incident", "A", "response")) == "2h"
    invantive = load_preset("invantive")
    assert str(invantive.target_for("subscription", [], "licence_key", "I", "resolution")) == "24h"
    assert invantive.target_for("subscription", [], "licence_key", "I", "response") is None
