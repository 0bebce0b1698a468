"""The special-event weekend as catalog data (``[special_weekend]``), and what it covers.

Seed 003 (Xtreme Elite): "Eén weekend per jaar krijgt u ondersteuning voor alle
urgentieniveaus", "De aanvraag voor het weekend moet u twee weken van tevoren indienen",
"Ondersteuning bij speciale gebeurtenissen geldt alleen voor standaardproducten. De voertaal
is Engels." A vendor describes its own weekend with the same keys: the window (the day and
time it starts and ends, the hours it is staffed), how far ahead it is booked, how many per
agreement year, which kinds and priorities it covers, whether only standard products, and
the support language.

What the desk does (docs/triage.md): a request *registered inside* an approved window, of a
covered kind and priority, about a standard product, has its clocks run on the package's
normal calendar **plus** the window's staffed hours. Business time used inside the window
counts; what is left when the window closes continues on the normal calendar (an office-hours
question from Sunday 22:00 with four hours left continues Monday 09:00). Requests registered
before or after the window, of other kinds or priorities, or about non-standard products
follow the normal calendar only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from meldpunt.core.businesstime import DAY_MINUTES, WEEKDAYS, Range
from meldpunt.core.marks import WordedError, gettext_noop

Texts = Mapping[str, str]


@dataclass(frozen=True)
class WeekendRule:
    """A catalog's ``[special_weekend]`` table (plain data)."""

    #: the entitlement that grants the weekend (Infor: ``special_event_weekend``, Xtreme Elite)
    entitlement: str = "special_event_weekend"
    #: the weekday (0 = Monday) and minute the window starts, and its length in minutes
    start_day: int = 5
    start_minute: int = 0
    length_minutes: int = 2 * DAY_MINUTES
    #: staffed hours on each day inside the window (default around the clock)
    hours: tuple[Range, ...] = ((0, DAY_MINUTES),)
    timezone: str = "Europe/Amsterdam"
    notice_days: int = 14
    per_year: int = 1
    #: kinds and priorities covered; None: all
    kinds: frozenset[str] | None = None
    priorities: frozenset[str] | None = None
    #: only requests about standard (not customised) products
    standard_only: bool = False
    #: words in a request's product, subject or description that make it non-standard
    non_standard_words: tuple[str, ...] = ()
    #: an agent's scope on the assessment that makes it non-standard (and ``standard`` that clears it)
    non_standard_scopes: tuple[str, ...] = ("custom", "third_party")
    #: the language the weekend's support is given in (None: the customer's)
    language: str | None = None
    #: the catalog's own words for what the weekend covers, told to the customer
    description: Texts = field(default_factory=dict)
    #: the packages' names that grant it, for refusals ("Xtreme Elite only")
    granted_by: Texts = field(default_factory=dict)
    #: read from the old ``[coverage] weekend_calendar`` keys (``catalog check`` says to move them)
    legacy: bool = False

    @property
    def start_weekday(self) -> str:
        return WEEKDAYS[self.start_day]

    def window(self, first_day: date) -> tuple[datetime, datetime]:
        """The booked window that starts on ``first_day``, in the rule's time zone."""
        zone = ZoneInfo(self.timezone)
        start = datetime.combine(first_day, time(self.start_minute // 60, self.start_minute % 60), zone)
        end_local = start.replace(tzinfo=None) + timedelta(minutes=self.length_minutes)
        return start, end_local.replace(tzinfo=zone)

    def first_days_around(self, moment: datetime) -> list[date]:
        """The start dates of windows that could hold ``moment`` (latest first)."""
        local = moment.astimezone(ZoneInfo(self.timezone)).date()
        span = self.length_minutes // DAY_MINUTES + 2
        return [d for d in (local - timedelta(days=n) for n in range(span)) if d.weekday() == self.start_day]

    def open_hours(self, first_day: date) -> dict[date, tuple[Range, ...]]:
        """Local date → the staffed ranges of the window starting ``first_day``: what is added
        to the normal calendar of a request registered inside it."""
        start, end = self.window(first_day)
        result: dict[date, tuple[Range, ...]] = {}
        day = start.date()
        while day <= end.date():
            ranges = []
            for a, b in self.hours:
                lo = max(a, _minute_of(start) if day == start.date() else 0)
                hi = min(b, _minute_of(end) if day == end.date() else DAY_MINUTES)
                if hi > lo:
                    ranges.append((lo, hi))
            if ranges:
                result[day] = tuple(ranges)
            day += timedelta(days=1)
        return result

    def misses(self, *, kind: str, priority: str, text: str = "", scope: str = "") -> list[str]:
        """Why a request registered inside the window is not covered by it ([] = covered):
        ``kind``, ``priority`` or ``product``."""
        why = []
        if self.kinds is not None and kind not in self.kinds:
            why.append("kind")
        if self.priorities is not None and priority not in self.priorities:
            why.append("priority")
        if self.standard_only and not self.is_standard(text, scope):
            why.append("product")
        return why

    def is_standard(self, text: str, scope: str = "") -> bool:
        """An agent's scope decides; without one, a request is about a standard product unless
        its text names one of the catalog's non-standard words."""
        if scope:
            return scope not in self.non_standard_scopes
        lowered = text.lower()
        return not any(re.search(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])", lowered) for w in self.non_standard_words)


def _minute_of(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def parse_moment(text: str) -> tuple[int, int]:
    """``"sat 00:00"`` → (weekday, minute of the day); ``24:00`` is not allowed here."""
    try:
        day, hhmm = text.strip().lower().split()
        hours, minutes = (int(x) for x in hhmm.split(":"))
    except ValueError:
        raise WordedError(gettext_noop("%(text)r is not a moment like 'sat 00:00'"), text=text) from None
    if day not in WEEKDAYS:
        raise WordedError(gettext_noop("%(text)r: unknown weekday %(day)r; use %(days)s"), text=text, day=day,
                          days=", ".join(WEEKDAYS))
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise WordedError(gettext_noop("%(text)r: the time must be 00:00–23:59"), text=text)
    return WEEKDAYS.index(day), hours * 60 + minutes


def length_between(start: tuple[int, int], end: tuple[int, int]) -> int:
    """Minutes from one weekly moment to the next ``end`` after it (a full week when equal)."""
    minutes = ((end[0] - start[0]) % 7) * DAY_MINUTES + end[1] - start[1]
    return minutes if minutes > 0 else minutes + 7 * DAY_MINUTES


def in_window(rule: WeekendRule, first_days: Sequence[date], moment: datetime) -> date | None:
    """The first day among ``first_days`` whose window holds ``moment``."""
    for first in first_days:
        start, end = rule.window(first)
        if start <= moment < end:
            return first
    return None
