"""A calendar's service hours as a person reads them, in their language: "ma–vr 09:00–17:30;
NL feestdagen gesloten" / "Mon–Fri 09:00–17:30; closed on NL holidays".

The core writes them (:func:`meldpunt.core.calendars.describe_hours`) with its words marked
for the catalogue; here they pass through gettext. No models here: the ``meldpunt`` command
uses it too.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from meldpunt.core import calendars
from meldpunt.core.businesstime import Calendar, Range


def describe_hours(weekly: Sequence[Sequence[Range]], holiday_set: str | None, language: str | None = None) -> str:
    """The weekly pattern (and whose public holidays close it) in ``language`` (None: the
    active one)."""
    with translation.override(language or translation.get_language()):
        return calendars.describe_hours(weekly, holiday_set, _)


def calendar_hours(calendar: Calendar, language: str | None = None) -> str:
    """A built calendar's hours in ``language`` (None: the active one)."""
    return describe_hours(calendar.weekly, calendar.holiday_set, language)
