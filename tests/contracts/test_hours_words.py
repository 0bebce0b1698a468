"""Issue 21: a calendar's service hours read in the reader's language, worded by the contracts
app through gettext (Django's own day abbreviations); the core keeps an English form of its own
for a calendar's description and the facts ``catalog diff`` compares."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from meldpunt.contracts.catalog_summary import catalog_summary
from meldpunt.contracts.catalog_words import fact_words
from meldpunt.contracts.hours_words import calendar_hours, describe_hours
from meldpunt.core import calendars
from meldpunt.core.businesstime import always_open
from meldpunt.core.calendars import build_calendar
from meldpunt.core.catalog_loader import load_preset
from meldpunt.core.catalog_report import facts
from meldpunt.core.sla import Target, compute_deadline
from meldpunt.tickets.sla_words import explanation_words

#: Monday to Thursday 09:00–17:30, Friday 09:00–16:00, Saturday 10:00–12:00, Sunday closed.
SHOP = [[(540, 1050)]] * 4 + [[(540, 960)], [(600, 720)], []]


def test_the_hours_read_in_dutch_and_english():
    assert describe_hours(SHOP, "NL", "nl") == "ma–do 09:00–17:30; vr 09:00–16:00; za 10:00–12:00; NL feestdagen gesloten"
    assert describe_hours(SHOP, "DE-BY", "en") == ("Mon–Thu 09:00–17:30; Fri 09:00–16:00; Sat 10:00–12:00; "
                                                   "closed on DE-BY holidays")
    assert describe_hours(SHOP, None, "nl") == "ma–do 09:00–17:30; vr 09:00–16:00; za 10:00–12:00"
    with translation.override("nl"):  # no language: the active one
        assert describe_hours([[(540, 720), (780, 1020)]] * 5 + [[], []], None) == "ma–vr 09:00–12:00, 13:00–17:00"


def test_a_built_calendar_keeps_its_english_description_and_reads_in_the_readers_language():
    workdays = load_preset("erpm").calendar("workdays")
    dutch = build_calendar(workdays, language="nl")
    assert dutch.name == "Werkdagen 09:00–17:00"  # catalog data, in the language it was built in
    assert dutch.description == "Mon–Fri 09:00–17:00; closed on NL holidays" == calendars.describe_hours(
        workdays.weekly, "NL")
    assert calendar_hours(dutch, "nl") == "ma–vr 09:00–17:00; NL feestdagen gesloten"
    assert calendar_hours(dutch, "en") == dutch.description


def test_around_the_clock_reads_in_each_language():
    assert always_open().description == "open around the clock, every day"
    assert calendar_hours(always_open(), "nl") == "dag en nacht open, alle dagen van de week"
    assert calendar_hours(always_open(), "en") == "open around the clock, every day"
    deadline = compute_deadline(always_open(), Target.parse("2h"), datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Europe/Amsterdam")))
    assert explanation_words(deadline.explanation, "nl")[0] == (
        "Kalender: 24×7 (dag en nacht open, alle dagen van de week), tijdzone Europe/Amsterdam")
    assert explanation_words(deadline.explanation, "en")[0] == (
        "Calendar: 24×7 (open around the clock, every day), time zone Europe/Amsterdam")


def test_the_catalog_summary_and_the_diff_facts_read_their_hours_in_the_readers_language():
    erpm = load_preset("erpm")
    assert "    uren: ma–vr 09:00–17:00" in catalog_summary(erpm, "nl")
    assert "    hours: Mon–Fri 09:00–17:00" in catalog_summary(erpm, "en")
    hours = facts(erpm)["calendars.workdays.hours"]
    assert str(hours) == "Mon–Fri 09:00–17:00"
    with translation.override("nl"):
        assert fact_words(hours) == "ma–vr 09:00–17:00"
