"""When a running SLA clock reaches a warning or a breach-escalation point (issue 9).

Pure business-time rules behind :mod:`meldpunt.escalation.services`' scan: which points a
clock has reached (checked exactly with the engine), when it reaches one, and the ranges of
``due_at`` that hold every clock which reached a point between two scans.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from meldpunt.core.businesstime import Calendar, elapsed_with_pauses, epoch, merge_pauses
from meldpunt.core.catalog import EscalationPolicy, WarningPoint
from meldpunt.core.sla import Target

#: A full sweep looks for breach steps of clocks due at most this long ago (wall time).
LOOKBACK = timedelta(days=7)


def subtract_business(calendar: Calendar, t: int, seconds: int) -> int:
    """The latest instant from which ``seconds`` of business time run until ``t``."""
    target = calendar.position(t) - seconds
    if target <= 0:
        return t - 366 * 86400  # before the table: nothing lies that far back in a scan
    return calendar.instant_at(target)


def target_bounds(calendar: Calendar, target: Target) -> tuple[int, int]:
    """Least and most business seconds ``target`` can amount to on ``calendar``."""
    if target.unit == "m":
        return target.amount * 60, target.amount * 60
    if target.unit == "h":
        return target.amount * 3600, target.amount * 3600
    lengths = [sum(e - s for s, e in day) * 60 for day in calendar.weekly if day]
    return target.amount * min(lengths), target.amount * max(lengths)


def closed_pauses(raw: list) -> list[tuple[int, int]]:
    return [(epoch(datetime.fromisoformat(a)), epoch(datetime.fromisoformat(b))) for a, b, *_ in raw if b]


def reached_points(calendar: Calendar, policy: EscalationPolicy, *, started: datetime, due: datetime,
                   pauses: list, now: datetime) -> list[tuple[str, str]]:
    """Exact check with the core engine: which (kind, point) a running clock has reached by ``now``."""
    start_s, due_s, now_s = epoch(started), epoch(due), epoch(now)
    if now_s >= due_s:
        overdue = calendar.elapsed_seconds(due_s, now_s)
        return [("breach", step.key) for step in policy.chain if overdue >= step.after_seconds]
    total = elapsed_with_pauses(calendar, start_s, due_s, closed_pauses(pauses))
    left = calendar.elapsed_seconds(now_s, due_s)
    return [("warning", point.key) for point in policy.warnings if left <= point.lead_seconds(total)]


def warning_moment(calendar: Calendar, point: WarningPoint, *, started: datetime, due: datetime,
                   pauses: Sequence = ()) -> datetime:
    """When a running clock reaches ``point`` (for explanations, tests and the naive peer)."""
    start_s, due_s = epoch(started), epoch(due)
    total = elapsed_with_pauses(calendar, start_s, due_s, closed_pauses(list(pauses)))
    return calendar.localize(subtract_business(calendar, due_s, point.lead_seconds(total)))


def due_ranges(calendar: Calendar, policy: EscalationPolicy, targets: Iterable[str],
               since: datetime | None, now: datetime) -> list[tuple[int, int]]:
    """The ``due_at`` ranges (epoch seconds, lo exclusive, hi inclusive) holding every clock
    that reached a point between ``since`` and ``now`` (``since`` None: ever, within LOOKBACK)."""
    now_s = epoch(now)
    since_s = epoch(since) if since else None
    ranges = []
    for text in targets:
        try:
            target = Target.parse(text)
        except ValueError:
            continue
        if target.by_planning:
            continue
        least, most = target_bounds(calendar, target)
        for point in policy.warnings:
            hi = calendar.add_seconds(now_s, point.lead_seconds(most)) if point.lead_seconds(most) else now_s
            lo = calendar.add_seconds(since_s, point.lead_seconds(least)) if since_s else now_s
            ranges.append((min(lo, hi), hi))
    for step in policy.chain:
        hi = subtract_business(calendar, now_s, step.after_seconds) if step.after_seconds else now_s
        lo = (subtract_business(calendar, since_s, step.after_seconds) if step.after_seconds else since_s) if since_s \
            else hi - int(LOOKBACK.total_seconds())
        if lo == hi:
            # No business time passed between since and now (the desk is closed): a clock's
            # business time overdue is what it was at ``since``, so the step it reached then
            # was fired by an earlier scan. Without this every scan of a closed evening would
            # re-read every clock due exactly when the desk closed.
            continue
        ranges.append((min(lo, hi) - 1, hi))
    return merge_pauses(ranges)  # any intervals: sorted, empty ones dropped, overlaps merged
