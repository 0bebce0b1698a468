"""Business time on a service calendar.

A calendar is a weekly pattern of opening ranges (several per day allowed) in an IANA
zone, minus closed days (public holidays and a vendor's extra closed days). We turn it
into a sorted table of open intervals in UTC epoch seconds with the cumulative business
time before each interval. Adding business time and measuring it between two instants
are then two bisects and some arithmetic — never a loop over minutes.

Calendars cover the years 1900–2200 (:data:`FIRST_YEAR`, :data:`LAST_YEAR`): an instant
outside them, or a due moment that would fall after 2201, raises :class:`OutOfRange` at
once instead of building tables for ever (docs/catalogs.md, "Years").

Resolution is one second. Times are UTC internally and shown in the calendar's zone;
CET/CEST changes are real because every interval is built from local wall-clock times.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from meldpunt.core.marks import WordedError, gettext_noop

#: The first and last year an instant may fall in; tables run one year further each side.
FIRST_YEAR = 1900
LAST_YEAR = 2200

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
#: How the core names a calendar open every minute of every day (the 24×7 calendar); marked
#: for the catalogue, an app words it in the reader's language.
AROUND_THE_CLOCK = gettext_noop("open around the clock, every day")

#: (start minute, end minute) since local midnight; end may be 1440 (24:00).
Range = tuple[int, int]
#: year -> {date: (kind, name)}; kind is "holiday" or "closed".
ClosedDaySource = Callable[[int], Mapping[date, tuple[str, str]]]


@dataclass(frozen=True)
class ClosedDay:
    day: date
    kind: str  # "holiday" or "closed"
    name: str


class OutOfRange(ValueError):
    """An instant or due moment outside the years calendars cover (1900–2200)."""


def _no_closed_days(year: int) -> Mapping[date, tuple[str, str]]:
    return {}


def parse_range(text: str) -> Range:
    """Parse ``"09:00-17:00"`` into minutes; ``24:00`` is allowed as an end."""
    try:
        start_s, end_s = text.split("-")
        start, end = _minutes(start_s), _minutes(end_s)
    except ValueError:
        raise WordedError(gettext_noop("%(text)r is not a range like 09:00-17:00"), text=text) from None
    if not 0 <= start < end <= DAY_MINUTES:
        raise WordedError(gettext_noop("%(text)r must start before it ends, within 00:00-24:00"), text=text)
    return start, end


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.strip().split(":")
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError(hhmm)
    return h * 60 + m


class Calendar:
    """Service hours in a time zone, with closed days, as a searchable interval table.

    ``weekly[0]`` holds Monday's ranges, ``weekly[6]`` Sunday's. ``closed_days`` is asked
    once per year that the table covers; the table grows on demand when an instant falls
    outside it, so a calendar object can serve any date.
    """

    def __init__(
        self,
        *,
        id: str,
        name: str,
        timezone: str,
        weekly: Sequence[Sequence[Range]],
        closed_days: ClosedDaySource = _no_closed_days,
        description: str = "",
        extra_hours: Mapping[date, Sequence[Range]] | None = None,
        holiday_set: str | None = None,
    ) -> None:
        if len(weekly) != 7:
            raise ValueError("weekly hours need seven days, Monday first")
        self.id = id
        self.name = name
        #: The hours in English (``core.calendars.describe_hours``); a person reads them worded
        #: from ``weekly`` and ``holiday_set`` by the app (``contracts.hours_words``).
        self.description = description
        #: Whose public holidays close it ("NL", "DE-BY"), None when none do.
        self.holiday_set = holiday_set
        self.zone = ZoneInfo(timezone)
        self.weekly: tuple[tuple[Range, ...], ...] = tuple(
            _merge_ranges(day) for day in weekly
        )
        if not any(self.weekly):
            raise ValueError(f"calendar {id!r} has no service hours")
        self._closed_source = closed_days
        #: Hours open on single dates on top of the weekly pattern, closed days included (a
        #: booked special-event weekend: core.special_weekend).
        self.extra_hours: dict[date, tuple[Range, ...]] = {
            day: _merge_ranges(ranges) for day, ranges in (extra_hours or {}).items() if ranges}
        lengths = {sum(e - s for s, e in day) for day in self.weekly if day}
        #: Minutes in a service day when every service day is equally long, else None.
        self.day_minutes: int | None = lengths.pop() if len(lengths) == 1 and not self.extra_hours else None
        self._years: tuple[int, int] | None = None
        # Instants in [_safe_lo, _safe_hi) need no table check (their local year is strictly
        # inside _years); an int comparison instead of a zone conversion per call.
        self._safe_lo = self._safe_hi = 0
        self._closed: dict[date, ClosedDay] = {}
        self._closed_dates: list[date] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._cum: list[int] = []
        self._cum_end: list[int] = []
        self._base: list[int] = []  # cum[i] - starts[i]: position(t) = base[i] + min(t, ends[i])
        self._day_first: list[int] = []  # index of the first interval of each service day
        self._interval_day: list[int] = []  # service-day index of each interval

    # ------------------------------------------------------------------ table
    def _ensure(self, seconds: int) -> None:
        if self._safe_lo <= seconds < self._safe_hi:
            return
        try:
            year = datetime.fromtimestamp(seconds, self.zone).year
        except (OverflowError, OSError, ValueError):
            year = FIRST_YEAR - 1 if seconds < 0 else LAST_YEAR + 1
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise OutOfRange(f"{year} is outside the years {FIRST_YEAR}–{LAST_YEAR} that calendars cover")
        low, high = FIRST_YEAR - 1, LAST_YEAR + 1
        if self._years is None:
            self._build(max(year - 2, low), min(year + 3, high))
        elif not self._years[0] < year < self._years[1]:
            self._build(max(min(self._years[0], year - 2), low), min(max(self._years[1], year + 3), high))

    def _grow(self, missing_seconds: int = 0, missing_days: int = 0) -> None:
        """Extend the table forward: by five years, or by as many as the missing business time
        (or service days) needs at the table's own pace. Past :data:`LAST_YEAR` + 1 refuses,
        without building anything, so a huge target is answered at once."""
        assert self._years is not None
        first, last = self._years
        span = last - first + 1
        years = 5
        if missing_seconds > 0 and self._cum_end and self._cum_end[-1] > 0:
            years = max(years, missing_seconds * span // self._cum_end[-1] + 2)
        if missing_days > 0 and self._day_first:
            years = max(years, missing_days * span // len(self._day_first) + 2)
        if last >= LAST_YEAR + 1 or (years > 5 and last + years - 2 > LAST_YEAR + 1):
            raise OutOfRange(f"the due moment falls after {LAST_YEAR + 1}, beyond the years calendars cover")
        self._build(first, min(last + years, LAST_YEAR + 1))

    def _build(self, first_year: int, last_year: int) -> None:
        closed: dict[date, ClosedDay] = {}
        for year in range(first_year, last_year + 1):
            for day, (kind, name) in self._closed_source(year).items():
                closed[day] = ClosedDay(day, kind, name)
        starts: list[int] = []
        ends: list[int] = []
        day_first: list[int] = []
        interval_day: list[int] = []
        day = date(first_year, 1, 1)
        last = date(last_year, 12, 31)
        one = timedelta(days=1)
        extra = self.extra_hours
        while day <= last:
            ranges = self.weekly[day.weekday()] if day not in closed else ()
            if extra and day in extra:
                ranges = _merge_ranges((*ranges, *extra[day]))
            if ranges:
                day_first.append(len(starts))
                for start, end in ranges:
                    starts.append(self._local(day, start))
                    ends.append(self._local(day, end))
                    interval_day.append(len(day_first) - 1)
            day += one
        cum: list[int] = []
        cum_end: list[int] = []
        total = 0
        for s, e in zip(starts, ends, strict=True):
            cum.append(total)
            total += e - s
            cum_end.append(total)
        self._years = (first_year, last_year)
        self._safe_lo = self._local(date(first_year + 1, 1, 1), 0)
        self._safe_hi = self._local(date(last_year, 1, 1), 0)
        self._closed = closed
        self._closed_dates = sorted(closed)
        self._starts, self._ends, self._cum, self._cum_end = starts, ends, cum, cum_end
        self._base = [c - s for c, s in zip(cum, starts, strict=True)]
        self._day_first, self._interval_day = day_first, interval_day

    def _local(self, day: date, minute: int) -> int:
        if minute == DAY_MINUTES:
            day, minute = day + timedelta(days=1), 0
        local = datetime.combine(day, time(minute // 60, minute % 60), self.zone)
        return int(local.timestamp())

    # ------------------------------------------------- epoch-second primitives
    def position(self, t: int) -> int:
        """Business seconds from the start of the table to instant ``t``."""
        self._ensure(t)
        i = bisect.bisect_right(self._starts, t) - 1
        if i < 0:
            return 0
        return self._cum[i] + min(t, self._ends[i]) - self._starts[i]

    def instant_at(self, position: int) -> int:
        """Earliest instant at which ``position`` business seconds have passed."""
        j = bisect.bisect_left(self._cum_end, position)
        while j >= len(self._cum_end):  # past the table: grow it
            self._grow(missing_seconds=position - (self._cum_end[-1] if self._cum_end else 0))
            j = bisect.bisect_left(self._cum_end, position)
        return self._starts[j] + position - self._cum[j]

    def next_open(self, t: int) -> int:
        """``t`` itself when the calendar is open then, else the next opening."""
        self._ensure(t)
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self._ends[i]:
            return t
        if i + 1 >= len(self._starts):
            self._grow()
            return self.next_open(t)
        return self._starts[i + 1]

    def is_open(self, t: int) -> bool:
        return self.next_open(t) == t

    def add_seconds(self, t: int, seconds: int) -> int:
        """Earliest instant at which ``seconds`` of business time have passed since ``t``."""
        if seconds <= 0:
            return self.next_open(t)
        if not self._safe_lo <= t < self._safe_hi:
            self._ensure(t)
        starts, cum, cum_end = self._starts, self._cum, self._cum_end
        i = bisect.bisect_right(starts, t) - 1  # position(t), inlined: this is the hot path
        target = cum[i] + min(t, self._ends[i]) - starts[i] + seconds
        if target > cum_end[-1]:
            return self.instant_at(target)  # grows the table
        j = bisect.bisect_left(cum_end, target)
        return starts[j] + target - cum[j]

    def elapsed_seconds(self, a: int, b: int) -> int:
        """Business seconds between ``a`` and ``b`` (0 when ``b`` is not after ``a``)."""
        if b <= a:
            return 0
        self._ensure(a)  # both ends first: growing the table backwards moves the origin
        self._ensure(b)
        return self.position(b) - self.position(a)

    def add_business_days(self, t: int, days: int) -> int:
        """``days`` business days after ``t`` (DESIGN.md: ``bd``).

        Equal service days: ``days`` × the day's length in business time. Uneven days:
        the same position within the ``days``-th following service day (capped at that
        day's length); position 0 means the close of the day before it, the earliest
        instant at which that much business time has passed.
        """
        if self.day_minutes is not None:
            return self.add_seconds(t, days * self.day_minutes * 60)
        start = self.next_open(t)
        i = bisect.bisect_right(self._starts, start) - 1
        d = self._interval_day[i]
        into_day = self.position(start) - self._cum[self._day_first[d]]
        while d + days + 1 >= len(self._day_first):
            self._grow(missing_days=d + days + 2 - len(self._day_first))
        target_first = self._day_first[d + days]
        day_start = self._cum[target_first]
        day_len = self._cum[self._day_first[d + days + 1]] - day_start
        return self.instant_at(day_start + min(into_day, day_len))

    def business_days_in_seconds(self, t: int, days: int) -> int:
        """How many business seconds ``days`` business days from ``t`` amount to."""
        start = self.next_open(t)
        return self.elapsed_seconds(start, self.add_business_days(start, days))

    def closed_days_between(self, a: int, b: int) -> list[ClosedDay]:
        """Closed days falling on service weekdays between instants ``a`` and ``b``."""
        self._ensure(a)
        self._ensure(b)
        first = datetime.fromtimestamp(a, self.zone).date()
        last = datetime.fromtimestamp(b, self.zone).date()
        lo = bisect.bisect_left(self._closed_dates, first)
        hi = bisect.bisect_right(self._closed_dates, last)
        return [
            self._closed[d]
            for d in self._closed_dates[lo:hi]
            if self.weekly[d.weekday()]
        ]

    # ------------------------------------------------------ datetime helpers
    def add(
        self,
        start: datetime,
        duration: timedelta,
        pauses: Iterable[tuple[datetime, datetime]] = (),
    ) -> datetime:
        """``start`` plus ``duration`` of business time, skipping ``pauses``."""
        seconds = int(duration.total_seconds())
        if not pauses:
            return self.localize(self.add_seconds(epoch(start), seconds))
        due = add_with_pauses(self, epoch(start), seconds, _epoch_pairs(pauses))
        return self.localize(due)

    def between(
        self,
        a: datetime,
        b: datetime,
        pauses: Iterable[tuple[datetime, datetime]] = (),
    ) -> timedelta:
        """Business time from ``a`` to ``b``, not counting time inside ``pauses``."""
        seconds = elapsed_with_pauses(self, epoch(a), epoch(b), _epoch_pairs(pauses))
        return timedelta(seconds=seconds)

    def localize(self, t: int) -> datetime:
        return datetime.fromtimestamp(t, self.zone)

    def add_many(self, starts: Sequence[int], seconds: int | Sequence[int]) -> list[int]:
        """Batch :meth:`add_seconds` over epoch seconds: one duration for all, or one each.

        For recomputes and benchmarks: the table is checked once for the whole batch and
        the loop is two C bisects and some integer arithmetic per item.
        """
        if not starts:
            return []
        spans = [seconds] * len(starts) if isinstance(seconds, int) else list(seconds)
        if len(spans) != len(starts):
            raise ValueError("give one duration, or one per start")
        self._ensure(min(starts))
        self._ensure(max(starts))
        table, ends, base, cum_end = self._starts, self._ends, self._base, self._cum_end
        limit = cum_end[-1]
        right, left = bisect.bisect_right, bisect.bisect_left
        out: list[int] = []
        append = out.append
        for t, span in zip(starts, spans, strict=True):
            # the table starts years before min(starts), so i >= 0
            i = right(table, t) - 1
            end = ends[i]
            target = base[i] + (t if t < end else end) + span
            if span > 0 and target <= limit:
                append(target - base[left(cum_end, target)])
            else:
                append(self.add_seconds(t, span))
        return out


def _merge_ranges(ranges: Iterable[Range]) -> tuple[Range, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def epoch(moment: datetime) -> int:
    """Whole UTC epoch seconds of an aware datetime (naive input is rejected)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone")
    return int(moment.timestamp() // 1)


def _epoch_pairs(pauses: Iterable[tuple[datetime, datetime]]) -> list[tuple[int, int]]:
    return [(epoch(a), epoch(b)) for a, b in pauses]


def merge_pauses(pauses: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and merge overlapping pauses; empty or inverted pauses are dropped."""
    merged: list[list[int]] = []
    for a, b in sorted(p for p in pauses if p[1] > p[0]):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def add_with_pauses(
    calendar: Calendar, start: int, seconds: int, pauses: Iterable[tuple[int, int]]
) -> int:
    """Earliest instant when ``seconds`` of unpaused business time have passed."""
    current, remaining = start, seconds
    for a, b in merge_pauses(pauses):
        if b <= current:
            continue
        if a > current:
            available = calendar.elapsed_seconds(current, a)
            if available >= remaining:
                break
            remaining -= available
        current = max(current, b)
    return calendar.add_seconds(current, remaining)


def elapsed_with_pauses(
    calendar: Calendar, a: int, b: int, pauses: Iterable[tuple[int, int]]
) -> int:
    """Business seconds between ``a`` and ``b`` outside the pauses."""
    total = calendar.elapsed_seconds(a, b)
    for pa, pb in merge_pauses(pauses):
        lo, hi = max(a, pa), min(b, pb)
        if hi > lo:
            total -= calendar.elapsed_seconds(lo, hi)
    return total


def weekly_from_mapping(hours: Mapping[str, Sequence[str]]) -> list[list[Range]]:
    """``{"mon": ["09:00-17:00"], ...}`` into the seven-day range list; unknown keys raise."""
    unknown = set(hours) - set(WEEKDAYS)
    if unknown:
        raise WordedError(gettext_noop("unknown weekday %(day)r; use %(days)s"), day=sorted(unknown)[0],
                          days=", ".join(WEEKDAYS))
    return [[parse_range(r) for r in hours.get(day, [])] for day in WEEKDAYS]


def always_open(timezone: str = "Europe/Amsterdam") -> Calendar:
    """The 24×7 calendar: open every minute of every day, no closed days."""
    return Calendar(
        id="24x7",
        name="24×7",
        timezone=timezone,
        weekly=[[(0, DAY_MINUTES)]] * 7,
        description=AROUND_THE_CLOCK,
    )
