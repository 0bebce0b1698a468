"""The arithmetic of evaluation reports (SPEC.md §7; seed 004 step 4, seed 003 Elite reviews).

Pure Python: periods, SLA attainment, aging buckets and resolution times over plain
records. The reports app turns tickets and clocks into these records; nothing here
knows Django.

Attainment rule (fixed, tests depend on it): a clock with a due moment is **met** when it
stopped at or before the due moment; it is **missed** when it stopped after it, or when it
is still running and the due moment has passed (a breached running clock counts as
missed). A running clock not yet due is **pending** and left out of the percentage;
clocks without a due moment (no target, by planning without a date, paused) are not
counted at all.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

_PERIOD_RE = re.compile(r"^\s*(\d{4})(?:\s*-?\s*(?:Q([1-4])|(\d{1,2})))?\s*$", re.IGNORECASE)
#: Years a report may cover. Outside them a period is a typing error, and the date arithmetic
#: of its bounds (the next year, local midnight in a time zone) would overflow at 1 and 9999.
YEARS = range(1900, 3000)


class PeriodError(ValueError):
    """A period that is not ``2026Q3``, ``2026-07`` or ``2026``; ``code`` (``period``,
    ``period_year``, ``period_month``) and ``params`` for the app to word it."""

    def __init__(self, message: str, code: str, **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Period:
    """A half-open range of whole days ``[first, end)``; moments are compared in ``zone``."""

    label: str
    first: date
    end: date  # the day after the last day

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(str(text))
        if not match:
            raise PeriodError(f"{text!r} is not a period like 2026Q3, 2026-07 or 2026", "period", text=text)
        year, quarter, month = int(match.group(1)), match.group(2), match.group(3)
        if year not in YEARS:
            raise PeriodError(f"{text!r}: the year must lie between {YEARS.start} and {YEARS.stop - 1}", "period_year",
                              text=text, first=YEARS.start, last=YEARS.stop - 1)
        if quarter:
            q = int(quarter)
            first = date(year, 3 * q - 2, 1)
            return cls(f"{year}Q{q}", first, _add_months(first, 3))
        if month:
            m = int(month)
            if not 1 <= m <= 12:
                raise PeriodError(f"{text!r}: month {m} does not exist", "period_month", text=text, month=m)
            first = date(year, m, 1)
            return cls(f"{year}-{m:02d}", first, _add_months(first, 1))
        return cls(str(year), date(year, 1, 1), date(year + 1, 1, 1))

    @classmethod
    def quarter_before(cls, day: date) -> Period:
        """The last complete quarter before ``day`` (what the quarterly mailing reports on)."""
        q = (day.month - 1) // 3 + 1
        year, q = (day.year, q - 1) if q > 1 else (day.year - 1, 4)
        return cls.parse(f"{year}Q{q}")

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as aware moments: local midnight of the first day to that after the last."""
        return (
            datetime(self.first.year, self.first.month, self.first.day, tzinfo=zone),
            datetime(self.end.year, self.end.month, self.end.day, tzinfo=zone),
        )

    def months(self) -> list[date]:
        result, month = [], self.first
        while month < self.end:
            result.append(month)
            month = _add_months(month, 1)
        return result

    def __str__(self) -> str:
        return self.label


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# ------------------------------------------------------------------ attainment
@dataclass(frozen=True)
class ClockRecord:
    """One clock as the report sees it."""

    priority: str
    metric: str
    due: datetime | None
    stopped: datetime | None


def outcome(clock: ClockRecord, as_of: datetime) -> str | None:
    """``met``, ``missed``, ``pending`` or None (not counted; see the module docstring)."""
    if clock.due is None:
        return None
    if clock.stopped is not None:
        return "met" if clock.stopped <= clock.due else "missed"
    return "missed" if clock.due < as_of else "pending"


@dataclass
class Attainment:
    priority: str
    metric: str
    met: int = 0
    missed: int = 0
    pending: int = 0
    label: str = ""  # the priority's name for people, filled in by the caller

    @property
    def counted(self) -> int:
        return self.met + self.missed

    @property
    def percent(self) -> float | None:
        """Share of counted clocks that met their target, or None when none were counted."""
        return round(100 * self.met / self.counted, 1) if self.counted else None


def attainment(
    clocks: Iterable[ClockRecord], as_of: datetime, priorities: Sequence[str], metrics: Sequence[str]
) -> list[Attainment]:
    """Attainment per priority and metric, in the catalog's priority order.

    Rows for every (priority, metric) are returned, also when empty, so tables and charts
    line up; priorities outside ``priorities`` are appended in the order first seen.
    """
    rows: dict[tuple[str, str], Attainment] = {(p, m): Attainment(p, m) for p in priorities for m in metrics}
    for clock in clocks:
        result = outcome(clock, as_of)
        if result is None:
            continue
        row = rows.setdefault((clock.priority, clock.metric), Attainment(clock.priority, clock.metric))
        setattr(row, result, getattr(row, result) + 1)
    return list(rows.values())


def total_attainment(rows: Iterable[Attainment], metric: str) -> Attainment:
    total = Attainment("*", metric)
    for row in rows:
        if row.metric == metric:
            total.met += row.met
            total.missed += row.missed
            total.pending += row.pending
    return total


# ----------------------------------------------------------------------- aging
#: (label, lower bound in days inclusive); the last bucket is open-ended.
AGING_BUCKETS: tuple[tuple[str, int], ...] = (("< 1d", 0), ("1–7d", 1), ("7–30d", 7), ("30–90d", 30), ("> 90d", 90))


def aging(received: Iterable[datetime], as_of: datetime) -> dict[str, int]:
    """How many open tickets fall in each age bucket at ``as_of`` (wall-clock age)."""
    counts = {label: 0 for label, _ in AGING_BUCKETS}
    for moment in received:
        days = (as_of - moment) / timedelta(days=1)
        label = AGING_BUCKETS[0][0]
        for name, lower in AGING_BUCKETS:
            if days >= lower:
                label = name
        counts[label] += 1
    return counts


# ---------------------------------------------------------- resolution times
@dataclass(frozen=True)
class Durations:
    count: int
    median_hours: float | None
    mean_hours: float | None
    max_hours: float | None


def durations(spans: Iterable[timedelta]) -> Durations:
    """Median, mean and longest of wall-clock spans, in hours rounded to 0.1."""
    hours = sorted(span / timedelta(hours=1) for span in spans)
    if not hours:
        return Durations(0, None, None, None)
    return Durations(
        len(hours), round(statistics.median(hours), 1), round(statistics.fmean(hours), 1), round(hours[-1], 1)
    )


# ---------------------------------------------------------------------- what-if
@dataclass
class WhatIfRow:
    """Breaches per priority and metric: as they were, and as they would have been."""

    priority: str
    metric: str
    actual_missed: int = 0
    scenario_missed: int = 0
    counted: int = 0
    label: str = ""


@dataclass
class WhatIf:
    scenario: str
    rows: list[WhatIfRow] = field(default_factory=list)
    skipped: int = 0  # clocks that could not be replayed (no target under the scenario, …)

    def totals(self) -> tuple[int, int]:
        return sum(r.actual_missed for r in self.rows), sum(r.scenario_missed for r in self.rows)


def compare(
    pairs: Iterable[tuple[ClockRecord, ClockRecord | None]], as_of: datetime, priorities: Sequence[str],
    metrics: Sequence[str], scenario: str,
) -> WhatIf:
    """Count breaches of actual clocks against the same clocks replayed under a scenario.

    ``pairs`` holds (actual, replayed) per clock; replayed is None when the scenario sets
    no target. Only clocks that count (met or missed) on both sides are compared, so the
    two numbers are about the same tickets.
    """
    rows = {(p, m): WhatIfRow(p, m) for p in priorities for m in metrics}
    result = WhatIf(scenario)
    for actual, replayed in pairs:
        a = outcome(actual, as_of)
        b = outcome(replayed, as_of) if replayed is not None else None
        if a not in ("met", "missed"):
            continue
        if b not in ("met", "missed"):
            result.skipped += 1  # no target under the scenario, or still pending there
            continue
        row = rows.setdefault((actual.priority, actual.metric), WhatIfRow(actual.priority, actual.metric))
        row.counted += 1
        row.actual_missed += a == "missed"
        row.scenario_missed += b == "missed"
    result.rows = list(rows.values())
    return result
