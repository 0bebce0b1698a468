"""Service calendars from catalog data: weekly hours plus a holiday set and closed days.

DESIGN.md: Dutch holidays in presets are New Year, Easter Monday, King's Day (27 April,
26 when the 27th is a Sunday), Ascension, Whit Monday, Christmas Day and Boxing Day.
Good Friday and Liberation Day are per-catalog switches, off in the presets. The
``holidays`` package knows the dates; the catalog decides which of them close the desk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import holidays as holiday_lib

from meldpunt.core.businesstime import Calendar, Range

#: Holidays that close the desk per country holiday set, by the English names the
#: ``holidays`` package uses. Switches add Good Friday / Liberation Day.
HOLIDAY_SETS: dict[str, tuple[str, ...]] = {
    "NL": (
        "New Year's Day",
        "Easter Monday",
        "King's Day",
        "Ascension Day",
        "Pentecost Monday",
        "Christmas Day",
        "Second Day of Christmas",
    ),
}


@dataclass(frozen=True)
class CalendarDef:
    """A calendar as the catalog describes it (plain data, before building intervals)."""

    id: str
    name: Mapping[str, str]
    timezone: str
    weekly: tuple[tuple[Range, ...], ...]
    holiday_set: str | None = None
    good_friday: bool = False
    liberation_day: bool = False
    closed: Mapping[date, str] = field(default_factory=dict)

    def label(self, language: str = "en") -> str:
        return self.name.get(language) or next(iter(self.name.values()), self.id)


@lru_cache(maxsize=64)
def public_holidays(
    country: str, year: int, good_friday: bool, liberation_day: bool, language: str
) -> dict[date, str]:
    """The holidays of ``country``'s set in ``year`` that close the desk, with names."""
    keep = set(HOLIDAY_SETS[country])
    if good_friday:
        keep.add("Good Friday")
    english = holiday_lib.country_holidays(country, years=year, language="en_US")
    local = holiday_lib.country_holidays(country, years=year, language=language)
    days = {d: local.get(d, n) for d, n in english.items() if keep & set(n.split("; "))}
    if liberation_day:  # the package only lists lustrum years; a vendor switch means every year
        days[date(year, 5, 5)] = "Bevrijdingsdag" if language == "nl" else "Liberation Day"
    return days


def build_calendar(
    definition: CalendarDef,
    extra_closed: Mapping[date, str] | None = None,
    language: str = "en",
) -> Calendar:
    """Turn a :class:`CalendarDef` (plus closed days added by the vendor) into a Calendar."""
    closed_days = {**definition.closed, **(extra_closed or {})}
    hol_language = "nl" if language == "nl" else "en_US"

    def source(year: int) -> dict[date, tuple[str, str]]:
        result: dict[date, tuple[str, str]] = {}
        if definition.holiday_set:
            for day, name in public_holidays(
                definition.holiday_set,
                year,
                definition.good_friday,
                definition.liberation_day,
                hol_language,
            ).items():
                result[day] = ("holiday", name)
        for day, reason in closed_days.items():
            if day.year == year:
                result[day] = ("closed", reason)
        return result

    return Calendar(
        id=definition.id,
        name=definition.label(language),
        timezone=definition.timezone,
        weekly=definition.weekly,
        closed_days=source,
        description=describe_hours(definition.weekly, definition.holiday_set, language),
    )


_DAY_NAMES = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
}


def describe_hours(
    weekly: Sequence[Sequence[Range]], holiday_set: str | None, language: str = "en"
) -> str:
    """``Mon–Fri 09:00–17:00, NL holidays`` — a person's summary of the weekly pattern."""
    names = _DAY_NAMES.get(language, _DAY_NAMES["en"])
    groups: list[tuple[int, int, str]] = []
    for index, ranges in enumerate(weekly):
        text = ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in ranges)
        if not text:
            continue
        if groups and groups[-1][2] == text and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, text)
        else:
            groups.append((index, index, text))
    parts = [
        f"{names[a]}{'–' + names[b] if b != a else ''} {text}" for a, b, text in groups
    ]
    if holiday_set:
        parts.append(
            f"{holiday_set} feestdagen gesloten" if language == "nl" else f"closed on {holiday_set} holidays"
        )
    return "; ".join(parts)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
