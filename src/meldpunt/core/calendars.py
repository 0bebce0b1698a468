"""Service calendars from catalog data: weekly hours plus public holidays and closed days.

Public holidays come from the ``holidays`` library for any country (and subdivision) it
knows; the catalog decides which of them close the desk (``only`` / ``except`` by the
library's English names), adds the vendor's own days every year (``extra``) and takes out
single dates it works anyway (``remove``). One-off closed days are the calendar's
``closed`` list (and, per loaded catalog, the admin's closed days).

The library only lists a country's holidays within its own years (the Netherlands:
1966–2100). Calendars cover 1900–2200 (``businesstime.FIRST_YEAR``/``LAST_YEAR``): outside
the library's years its rules are applied as they stand for the nearest years, so Easter,
Ascension and Whit Monday move as they should and fixed days stay fixed. DESIGN.md: Dutch
holidays in presets are New Year, Easter Monday, King's Day (27 April, 26 when the 27th is
a Sunday; Queen's Day before 2014), Ascension, Whit Monday, Christmas Day and Boxing Day:
the library's Dutch public holidays except Good Friday and Liberation Day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import holidays as holiday_lib

from meldpunt.core.businesstime import AROUND_THE_CLOCK, DAY_MINUTES, FIRST_YEAR, LAST_YEAR, Calendar, Range
from meldpunt.core.marks import gettext_noop

#: The years the holiday tables are built for: the calendar range plus one year each side
#: (a calendar's interval table starts a year before its first supported instant).
TABLE_YEARS = (FIRST_YEAR - 1, LAST_YEAR + 1)


@dataclass(frozen=True)
class ExtraDay:
    """A vendor's own closed day every year (``12-24``), with its name per language."""

    month: int
    day: int
    name_en: str
    name_nl: str

    def name(self, language: str) -> str:
        return self.name_nl if language == "nl" else self.name_en


@dataclass(frozen=True)
class HolidayRule:
    """Which public holidays close a calendar: a country's (and subdivision's) holidays from
    the ``holidays`` library, filtered by name, plus yearly extra days, minus removed dates."""

    country: str
    subdivision: str | None = None
    categories: tuple[str, ...] = ("public",)
    only: frozenset[str] | None = None  # English names kept (None: all)
    without: frozenset[str] = frozenset()  # English names dropped (catalog key ``except``)
    extra: tuple[ExtraDay, ...] = ()
    removed: frozenset[date] = frozenset()

    @property
    def label(self) -> str:
        """``NL`` or ``DE-BY``: how the calendar's description names the holidays."""
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country

    def days(self, year: int, language: str = "en") -> dict[date, str]:
        """The closing holidays of ``year`` with their names (Dutch or English)."""
        result = dict(library_days(self, year, language))
        for extra in self.extra:
            try:
                result[date(year, extra.month, extra.day)] = extra.name(language)
            except ValueError:  # 02-29 in a year that has none
                continue
        for day in self.removed:
            if day.year == year:
                result.pop(day, None)
        return result


@dataclass(frozen=True)
class CalendarDef:
    """A calendar as the catalog describes it (plain data, before building intervals)."""

    id: str
    name: Mapping[str, str]
    timezone: str
    weekly: tuple[tuple[Range, ...], ...]
    holidays: HolidayRule | None = None
    closed: Mapping[date, str] = field(default_factory=dict)

    @property
    def holiday_set(self) -> str | None:
        """The holidays' label (``NL``, ``DE-BY``), None without public holidays."""
        return self.holidays.label if self.holidays else None

    def label(self, language: str = "en") -> str:
        return self.name.get(language) or next(iter(self.name.values()), self.id)


@lru_cache(maxsize=512)
def library_entity(country: str) -> type:
    """The library's class for ``country``, its years widened to :data:`TABLE_YEARS`.

    The library leaves years outside a country's own range empty; a catalog needs every year
    a clock can reach. Raises ``NotImplementedError`` for a country the library does not know."""
    base = type(holiday_lib.country_holidays(country))
    return type(f"{base.__name__}Meldpunt", (base,), {"start_year": TABLE_YEARS[0], "end_year": TABLE_YEARS[1]})


def _language(entity: type, language: str) -> str:
    wanted = "nl" if language == "nl" else "en_US"
    return wanted if wanted in getattr(entity, "supported_languages", ()) else "en_US"


@lru_cache(maxsize=4096)
def _named(country: str, subdivision: str | None, categories: tuple[str, ...], year: int,
           language: str) -> tuple[tuple[date, tuple[str, ...]], ...]:
    entity = library_entity(country)
    table = entity(subdiv=subdivision, years=year, language=_language(entity, language), categories=categories)
    return tuple(sorted((day, tuple(name.split("; "))) for day, name in table.items()))


def library_days(rule: HolidayRule, year: int, language: str = "en") -> dict[date, str]:
    """The library's holidays of ``year`` that the rule keeps (by English name), named in
    ``language`` (English when the library has no Dutch names for the country)."""
    if not TABLE_YEARS[0] <= year <= TABLE_YEARS[1]:
        return {}
    english = _named(rule.country, rule.subdivision, rule.categories, year, "en")
    local = dict(_named(rule.country, rule.subdivision, rule.categories, year, language))
    days: dict[date, str] = {}
    for day, names in english:
        keep = [i for i, name in enumerate(names) if (rule.only is None or name in rule.only)
                and name not in rule.without]
        if not keep:
            continue
        shown = local.get(day, names)
        days[day] = "; ".join(shown[i] for i in keep) if len(shown) == len(names) else "; ".join(shown)
    return days


def public_holidays(rule: HolidayRule, year: int, language: str = "en") -> dict[date, str]:
    """The days ``rule`` closes in ``year`` (library days, extra days, minus removals)."""
    return rule.days(year, language)


def build_calendar(
    definition: CalendarDef,
    extra_closed: Mapping[date, str] | None = None,
    language: str = "en",
    extra_hours: Mapping[date, Sequence[Range]] | None = None,
) -> Calendar:
    """Turn a :class:`CalendarDef` (plus closed days added by the vendor, and hours open on
    single dates such as a booked special-event weekend) into a Calendar."""
    closed_days = {**definition.closed, **(extra_closed or {})}
    rule = definition.holidays

    def source(year: int) -> dict[date, tuple[str, str]]:
        result: dict[date, tuple[str, str]] = {}
        if rule is not None:
            for day, name in rule.days(year, language).items():
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
        description=describe_hours(definition.weekly, definition.holiday_set),
        extra_hours=extra_hours,
        holiday_set=definition.holiday_set,
    )


#: The days as hours name them, Monday first; marked for the catalogue ("Mon" → "ma").
DAY_ABBREVIATIONS = (gettext_noop("Mon"), gettext_noop("Tue"), gettext_noop("Wed"), gettext_noop("Thu"),
                     gettext_noop("Fri"), gettext_noop("Sat"), gettext_noop("Sun"))
#: The public holidays a calendar closes on, by their set ("NL", "DE-BY").
CLOSED_ON_HOLIDAYS = gettext_noop("closed on %(holidays)s holidays")


def _hour_groups(weekly: Sequence[Sequence[Range]]) -> list[tuple[int, int, str]]:
    """Runs of consecutive days with the same hours: ``(first, last, "09:00–17:30")`` with
    Monday 0; days without hours are left out."""
    groups: list[tuple[int, int, str]] = []
    for index, ranges in enumerate(weekly):
        text = ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in ranges)
        if not text:
            continue
        if groups and groups[-1][2] == text and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, text)
        else:
            groups.append((index, index, text))
    return groups


def describe_hours(weekly: Sequence[Sequence[Range]], holiday_set: str | None,
                   translate: Callable[[str], str] = lambda text: text) -> str:
    """``Mon–Fri 09:00–17:00; closed on NL holidays``: the weekly pattern, its words passed
    through ``translate`` (default: the core's English, a calendar's ``description``; an app
    passes gettext, ``meldpunt.contracts.hours_words``). Open every minute of every day
    without holidays reads :data:`AROUND_THE_CLOCK`."""
    if not holiday_set and all([tuple(r) for r in day] == [(0, DAY_MINUTES)] for day in weekly):
        return translate(AROUND_THE_CLOCK)
    parts = [f"{translate(DAY_ABBREVIATIONS[a])}{'–' + translate(DAY_ABBREVIATIONS[b]) if b != a else ''} {text}"
             for a, b, text in _hour_groups(weekly)]
    if holiday_set:
        parts.append(translate(CLOSED_ON_HOLIDAYS) % {"holidays": holiday_set})
    return "; ".join(parts)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
