"""Holidays of any country from the ``holidays`` library, a vendor's own days, 1900–2200.

The Dutch days the presets close on are checked against a hand computation (Gauss/Meeus
Easter, King's and Queen's Day rules) for every year from 1900 to 2200, both ways: every
hand-computed day is closed, and nothing else is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from meldpunt.core.businesstime import FIRST_YEAR, LAST_YEAR, OutOfRange
from meldpunt.core.calendars import build_calendar, public_holidays
from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import PRESETS, load_catalog, load_preset, parse_catalog

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "alpenlogik.toml"


def easter(year: int) -> date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def dutch_days(year: int) -> dict[date, str]:
    """The presets' Dutch closing days by hand: the public holidays without Good Friday and
    Liberation Day. King's Day (from 2014) is 27 April, the 26th when that is a Sunday;
    Queen's Day before it is 30 April, moved to the 29th from 1980 and to 1 May before."""
    sunday = easter(year)
    days = {
        date(year, 1, 1): "New Year's Day",
        sunday: "Easter Sunday",
        sunday + timedelta(days=1): "Easter Monday",
        sunday + timedelta(days=39): "Ascension Day",
        sunday + timedelta(days=49): "Pentecost",
        sunday + timedelta(days=50): "Pentecost Monday",
        date(year, 12, 25): "Christmas Day",
        date(year, 12, 26): "Second Day of Christmas",
    }
    royal = date(year, 4, 27) if year >= 2014 else date(year, 4, 30)
    if royal.weekday() == 6:
        royal += timedelta(days=-1 if year >= 1980 else 1)
    days[royal] = "King's Day" if year >= 2014 else "Queen's Day"
    return days


@pytest.mark.parametrize("preset", PRESETS)
def test_the_presets_dutch_holidays_are_the_hand_computed_days_in_every_year_1900_to_2200(preset):
    definitions = [d for d in load_preset(preset).calendars.values() if d.holidays]
    assert definitions
    for definition in definitions:
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            expected = dutch_days(year)
            got = public_holidays(definition.holidays, year)
            assert set(expected) - set(got) == set(), f"{preset} {definition.id} {year}: missing"
            assert set(got) - set(expected) == set(), f"{preset} {definition.id} {year}: extra"
            assert got == expected


def test_the_engine_closes_the_hand_computed_weekdays_at_both_ends_of_the_range():
    definition = load_preset("invantive").calendar("service")
    for year in (1900, 1901, 1979, 1980, 2013, 2014, 2100, 2101, 2199, 2200):
        calendar = build_calendar(definition)  # one per year: each builds only the years around it
        first = int(datetime(year, 1, 1, tzinfo=calendar.zone).timestamp())
        last = int(datetime(year, 12, 31, 23, tzinfo=calendar.zone).timestamp())
        closed = {c.day for c in calendar.closed_days_between(first, last)}
        assert closed == {d for d in dutch_days(year) if d.weekday() < 5}, year


def test_dutch_names_come_from_the_library():
    rule = load_preset("erpm").calendar("workdays").holidays
    assert public_holidays(rule, 2026, "nl")[date(2026, 4, 27)] == "Koningsdag"
    assert public_holidays(rule, 2026, "en")[date(2026, 4, 27)] == "King's Day"


def test_the_older_dutch_switches_read_as_the_new_keys():
    old = parse_catalog(load_preset_text("erpm").replace(
        'holidays = { country = "NL", except = ["Good Friday", "Liberation Day"] }',
        'holidays = { country = "NL", good_friday = false, liberation_day = false }'))
    assert old.calendars == load_preset("erpm").calendars  # equal calendars: a reload moves no clock
    every_year = parse_catalog(load_preset_text("erpm").replace(
        'holidays = { country = "NL", except = ["Good Friday", "Liberation Day"] }',
        'holidays = { country = "NL", good_friday = true, liberation_day = true }'))
    days = public_holidays(every_year.calendar("workdays").holidays, 2026)
    assert days[date(2026, 5, 5)] == "Liberation Day"  # not a lustrum year: the switch means every year
    assert days[date(2026, 4, 3)] == "Good Friday"


def load_preset_text(name: str) -> str:
    from meldpunt.core.catalog_loader import preset_text

    return preset_text(name)


# ----------------------------------------------------------- another country
def test_a_bavarian_vendor_gets_bavarian_holidays_its_own_days_and_its_removals():
    catalog = load_catalog(str(EXAMPLE))
    office = catalog.calendar("office")
    assert office.timezone == "Europe/Berlin" and office.holiday_set == "DE-BY"
    days = public_holidays(office.holidays, 2027)
    assert days[date(2027, 5, 27)] == "Corpus Christi"  # Bavaria only
    assert days[date(2027, 11, 1)] == "All Saints' Day"
    assert date(2027, 1, 6) not in days  # except = ["Epiphany"]
    assert date(2027, 5, 17) not in days  # remove = [2027-05-17] (Whit Monday)
    assert public_holidays(office.holidays, 2026)[date(2026, 5, 25)] == "Pentecost Monday"  # only 2027 is removed
    assert public_holidays(office.holidays, 2030, "nl")[date(2030, 12, 24)] == "Kerstavond"
    assert public_holidays(office.holidays, 2030, "en")[date(2030, 12, 31)] == "New Year's Eve"


def test_a_calendar_in_new_york_counts_wall_clock_hours_and_us_holidays():
    calendar = build_calendar(load_catalog(str(EXAMPLE)).calendar("boston"))
    # Wed 2026-11-25 19:00 EST + 2 business hours: 1 h that evening, Thanksgiving closed,
    # Fri 08:00 + 1 h = 09:00 EST = 14:00 UTC.
    start = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # = Wed 19:00 EST
    assert calendar.add(start, timedelta(hours=2)) == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    skipped = calendar.closed_days_between(int(start.timestamp()), int(start.timestamp()) + 3 * 86400)
    assert [c.name for c in skipped] == ["Thanksgiving Day"]


def test_any_iana_zone_and_any_country_of_the_library():
    text = EXAMPLE.read_text("utf-8").replace('timezone = "America/New_York"', 'timezone = "Asia/Tokyo"').replace(
        'holidays = { country = "US", extra', 'holidays = { country = "JP", extra')
    calendar = build_calendar(parse_catalog(text).calendar("boston"))
    assert calendar.zone.key == "Asia/Tokyo"
    new_year = int(datetime(2027, 1, 1, 10, tzinfo=calendar.zone).timestamp())
    assert not calendar.is_open(new_year)


@pytest.mark.parametrize(
    "holidays, field, reason",
    [
        ('{ country = "XX" }', "holidays.country", "'XX' is not a country the holidays library knows"),
        ('{ country = "DE", subdivision = "ZZ" }', "holidays.subdivision", "'ZZ' is not a subdivision of DE"),
        ('{ country = "NL", except = ["Goode Friday"] }', "holidays.except", "did you mean 'Good Friday'"),
        ('{ country = "NL", only = ["Kings Day"] }', "holidays.only", "no holiday 'Kings Day'"),
        ('{ country = "NL", extra = [{ date = "13-01", name = "x" }] }', "holidays.extra[0].date", "is not a day of the year"),
        ('{ country = "NL", remove = ["2027-05-17"] }', "holidays.remove", "must be a list of dates"),
        ('{ country = "NL", categories = ["bank"] }', "holidays.categories", "unknown value 'bank'"),
        ('{ country = "NL", region = "Zuid" }', "holidays.region", "unknown key"),
        ('{ country = "NL", good_friday = "no" }', "holidays.good_friday", "must be true or false"),
    ],
)
def test_bad_holidays_are_refused_naming_the_field(holidays, field, reason):
    text = load_preset_text("erpm").replace(
        'holidays = { country = "NL", except = ["Good Friday", "Liberation Day"] }', f"holidays = {holidays}", 1)
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "bad.toml")
    assert caught.value.field == f"calendars.workdays.{field}"
    assert reason in caught.value.reason
    assert caught.value.line == 15


# -------------------------------------------------------------------- range
def test_instants_outside_1900_to_2200_are_refused_not_ignored():
    calendar = build_calendar(load_preset("invantive").calendar("service"))
    before = int(datetime(1899, 12, 31, 12, tzinfo=calendar.zone).timestamp())
    after = int(datetime(2201, 1, 1, 12, tzinfo=calendar.zone).timestamp())
    for moment in (before, after):
        with pytest.raises(OutOfRange, match="outside the years 1900–2200"):
            calendar.next_open(moment)


def test_a_due_moment_beyond_the_range_is_refused_at_once():
    calendar = build_calendar(load_preset("invantive").calendar("service"))
    start = int(datetime(2026, 1, 5, 10, tzinfo=calendar.zone).timestamp())
    with pytest.raises(OutOfRange, match="after 2201"):
        calendar.add_seconds(start, 10**12)
    with pytest.raises(OutOfRange, match="after 2201"):
        calendar.add_business_days(start, 10**6)
    first = int(datetime(1900, 1, 1, tzinfo=calendar.zone).timestamp())
    assert calendar.localize(calendar.next_open(first)) == datetime(1900, 1, 2, 9, tzinfo=calendar.zone)
