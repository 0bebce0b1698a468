"""A calendar's service hours as a person reads them, in their language: "ma–vr 09:00–17:30;
NL feestdagen gesloten" / "Mon–Fri 09:00–17:30; closed on NL holidays".

The runs of days come from :func:`meldpunt.core.calendars.hour_groups`; the day names are
Django's own abbreviations (``WEEKDAYS_ABBR``), the rest is gettext. The core keeps an English
form of its own (``core.calendars.describe_hours``: a calendar's ``description``, the facts
``catalog diff`` compares). No models here: the ``meldpunt`` command uses it too.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from meldpunt.core.businesstime import AROUND_THE_CLOCK, Calendar, Range
from meldpunt.core.calendars import CLOSED_ON_HOLIDAYS, around_the_clock, hour_groups


def describe_hours(weekly: Sequence[Sequence[Range]], holiday_set: str | None, language: str | None = None) -> str:
    """The weekly pattern (and whose public holidays close it) in ``language`` (None: the
    active one)."""
    with translation.override(language or translation.get_language()):
        if around_the_clock(weekly, holiday_set):
            return _(AROUND_THE_CLOCK)
        parts = [f"{WEEKDAYS_ABBR[a]}{'–' + str(WEEKDAYS_ABBR[b]) if b != a else ''} {text}"
                 for a, b, text in hour_groups(weekly)]
        if holiday_set:
            parts.append(_(CLOSED_ON_HOLIDAYS) % {"holidays": holiday_set})
        return "; ".join(parts)


def calendar_hours(calendar: Calendar, language: str | None = None) -> str:
    """A built calendar's hours in ``language`` (None: the active one)."""
    return describe_hours(calendar.weekly, calendar.holiday_set, language)
