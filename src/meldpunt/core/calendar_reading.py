"""Reading a calendar's ``holidays`` table from a catalog file (docs/catalogs.md, "Holidays").

A mixin of the catalog loader's reader, so bad data is reported like the rest of the file:
the file, the field as a dotted path, the reason and the line. The country, subdivision,
categories and holiday names are checked against the ``holidays`` library, so a typo is an
error and not a holiday that silently stays open.

Older files wrote the Dutch switches ``good_friday`` / ``liberation_day``; they are read as
``except = ["Good Friday"]`` (when false) and, for ``liberation_day = true``, as a yearly
extra day on 5 May, which is what they meant. Such a file and its rewrite in the new keys
give equal calendars, so loading the rewrite moves no clocks.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from functools import lru_cache
from typing import Any

import holidays as holiday_lib

from meldpunt.core.calendars import ExtraDay, HolidayRule, library_entity
from meldpunt.core.catalog_reading import FieldReader
from meldpunt.core.marks import gettext_noop

HOLIDAY_KEYS = ("country", "subdivision", "categories", "only", "except", "extra", "remove",
                "good_friday", "liberation_day")
#: Years whose holiday names a catalog's ``only``/``except`` are checked against.
NAME_YEARS = range(1970, 2051)
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@lru_cache(maxsize=64)
def holiday_names(country: str, subdivision: str | None, categories: tuple[str, ...]) -> frozenset[str]:
    """Every English holiday name the library gives ``country`` over :data:`NAME_YEARS`."""
    entity = library_entity(country)
    table = entity(subdiv=subdivision, years=NAME_YEARS, language="en_US", categories=categories)
    return frozenset(name for names in table.values() for name in names.split("; "))


class HolidayReader(FieldReader):
    """The ``[calendars.ID.holidays]`` table into a :class:`HolidayRule`."""

    def holiday_rule(self, data: Any, field: str) -> HolidayRule:
        data = self.table(data, field)
        for key in data:
            if key not in HOLIDAY_KEYS:
                raise self.fail(f"{field}.{key}", gettext_noop("unknown key; keys: %(keys)s"), keys=', '.join(HOLIDAY_KEYS))
        country = self.need(data, "country", field)
        countries = holiday_lib.list_supported_countries()
        if country not in countries:
            close = difflib.get_close_matches(country.upper(), sorted(countries), n=3)
            if close:
                raise self.fail(f"{field}.country", gettext_noop(
                    "%(country)r is not a country the holidays library knows (did you mean %(close)s?); "
                    "use an ISO 3166 code such as NL, DE or US"), country=country, close=", ".join(close))
            raise self.fail(f"{field}.country", gettext_noop(
                "%(country)r is not a country the holidays library knows; use an ISO 3166 code such as NL, DE or US"),
                country=country)
        subdivision = data.get("subdivision")
        if subdivision is not None:
            if not isinstance(subdivision, str) or subdivision not in countries[country]:
                if not countries[country]:
                    raise self.fail(f"{field}.subdivision", gettext_noop(
                        "%(subdivision)r is not a subdivision of %(country)s; subdivisions: none"),
                        subdivision=subdivision, country=country)
                raise self.fail(f"{field}.subdivision", gettext_noop(
                    "%(subdivision)r is not a subdivision of %(country)s; subdivisions: %(choices)s"),
                    subdivision=subdivision, country=country, choices=", ".join(countries[country]))
        entity = library_entity(country)
        supported = tuple(getattr(entity, "supported_categories", ("public",)))
        categories = tuple(self.string_list(data.get("categories", ["public"]), f"{field}.categories", supported))
        if not categories:
            raise self.fail(f"{field}.categories", gettext_noop("must name at least one of %(choices)s"), choices=', '.join(supported))
        known = holiday_names(country, subdivision, categories)
        only = self._names(data, "only", field, known) if "only" in data else None
        without = set(self._names(data, "except", field, known)) if "except" in data else set()
        extra = [self._extra(item_field, item) for item_field, item in
                 self.tables(data.get("extra", []), f"{field}.extra", "([{ date = \"12-24\", name = \"…\" }])")]
        for switch, name in (("good_friday", "Good Friday"), ("liberation_day", "Liberation Day")):
            if switch in data:
                if not isinstance(data[switch], bool):
                    raise self.fail(f"{field}.{switch}", gettext_noop("must be true or false"))
                if not data[switch] or switch == "liberation_day":
                    without.add(name)
        if data.get("liberation_day") is True:  # the old switch: every year, not only lustrum years
            extra.append(ExtraDay(5, 5, "Liberation Day", "Bevrijdingsdag"))
        removed = data.get("remove", [])
        if not isinstance(removed, list) or not all(isinstance(d, date) for d in removed):
            raise self.fail(f"{field}.remove", gettext_noop("must be a list of dates such as [2030-05-05]"))
        return HolidayRule(
            country=country,
            subdivision=subdivision,
            categories=tuple(sorted(categories)),
            only=frozenset(only) if only is not None else None,
            without=frozenset(without),
            extra=tuple(sorted(set(extra), key=lambda e: (e.month, e.day, e.name_en))),
            removed=frozenset(removed),
        )

    def _names(self, data: dict, key: str, field: str, known: frozenset[str]) -> list[str]:
        names = self.string_list(data[key], f"{field}.{key}")
        for name in names:
            if name not in known:
                close = difflib.get_close_matches(name, sorted(known), n=3)
                names_ = ", ".join(sorted(known))
                if close:
                    raise self.fail(f"{field}.{key}", gettext_noop(
                        "no holiday %(name)r in the library's English names; did you mean %(close)s? names: %(names)s"),
                        name=name, close=", ".join(repr(c) for c in close), names=names_)
                raise self.fail(f"{field}.{key}", gettext_noop(
                    "no holiday %(name)r in the library's English names; names: %(names)s"), name=name, names=names_)
        return names

    def _extra(self, field: str, item: dict) -> ExtraDay:
        text = self.need(item, "date", field)
        match = _MONTH_DAY.match(text)
        try:
            if not match:
                raise ValueError
            month, day = int(match.group(1)), int(match.group(2))
            date(2000, month, day)  # a leap year: 02-29 is a day, skipped in other years
        except ValueError:
            raise self.fail(f"{field}.date", gettext_noop("%(text)r is not a day of the year like \"12-24\""), text=text) from None
        names = self.names(self.need(item, "name", field, (str, dict)), f"{field}.name")
        english = names.get("en") or next(iter(names.values()))
        return ExtraDay(month, day, english, names.get("nl") or english)
