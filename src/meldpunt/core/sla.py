"""SLA targets, clocks and explainable due moments (DESIGN.md, "SLA semantics").

- Units: ``m`` and ``h`` are business minutes/hours; ``bd`` business days (see
  :meth:`Calendar.add_business_days` for equal and uneven service days).
- A clock starts at receipt; receipt outside service hours starts it at the next opening.
- The due moment is the earliest instant at which the target's business time has passed.
- Business time inside a pause does not count; an open pause stops the clock (no due).
- ``planning`` targets have no automatic due; an agent's planned date becomes the due.

The due moment itself comes from :func:`meldpunt.core.due.due_at` (the one due function,
whose batch form the bulk recompute uses); this module explains it. Every result carries its
explanation: the calendar, the target, each holiday or closed day skipped and each pause, as
structured :class:`Line` s (a code and its parameters) that the app words in the reader's
language; the core has no gettext. ``Target`` and ``target_seconds`` live in ``core.due`` and are imported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from meldpunt.core.businesstime import (
    Calendar,
    elapsed_with_pauses,
    epoch,
    merge_pauses,
)
from meldpunt.core.due import UNITS, Target, due_at, target_seconds

__all__ = ["UNITS", "Deadline", "Line", "Pause", "Target", "business_time_left", "compute_deadline", "target_seconds"]

@dataclass(frozen=True)
class Pause:
    """Time the vendor waits on the customer; ``end`` is None while still waiting."""

    start: datetime
    end: datetime | None = None
    reason: str = ""


@dataclass
class Deadline:
    """The outcome of one clock: when it is due and why."""

    due: datetime | None
    target: Target
    calendar_id: str
    calendar_name: str
    started: datetime
    state: str  # "running", "paused" or "planning"
    explanation: list[Line] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Plain JSON data; each explanation line as its code and parameters (moments and
        days in ISO 8601, a target as its text)."""
        return {
            "due": self.due.isoformat() if self.due else None,
            "target": str(self.target),
            "calendar": self.calendar_id,
            "started": self.started.isoformat(),
            "state": self.state,
            "explanation": [{"code": line.code, "params": {k: _plain(v) for k, v in line.params.items()}}
                            for line in self.explanation],
        }


def _plain(value):
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, Target):
        return str(value)
    if isinstance(value, tuple):  # a calendar's weekly hours
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Line:
    """One line of an explanation: a ``code`` and its parameters, worded by the app in the
    reader's language (``meldpunt.tickets.sla_words``); the core words nothing itself.

    Moments are aware datetimes in the calendar's zone, days are dates, spans are business
    seconds, names are the calendar's (already in the language it was built in). Codes:

    - ``calendar``: ``name``, ``weekly`` (the calendar's ranges, Monday first), ``holidays``
      (whose public holidays close it, or None), ``zone``
    - ``target``: ``label``, ``target``, ``seconds`` (minutes or hours)
    - ``target_days``: ``label``, ``target``, ``per_day``, ``seconds`` (equal service days)
    - ``target_service_days``: ``label``, ``target``, ``seconds`` (uneven service days)
    - ``target_planning``: ``label``, ``target``
    - ``received``: ``at`` (within service hours); ``received_outside``: ``at``, ``start``
    - ``planned``: ``at``; ``unplanned`` (a planning target without a date yet)
    - ``skipped``: ``kind`` ("holiday" or "closed"), ``day``, ``name``
    - ``paused``: ``start``, ``end``, ``seconds`` (business time not counted)
    - ``paused_open``: ``since``
    - ``due``: ``at``
    """

    code: str
    params: dict = field(default_factory=dict, hash=False)


def compute_deadline(
    calendar: Calendar,
    target: Target,
    received: datetime,
    pauses: Sequence[Pause] = (),
    *,
    planned: datetime | None = None,
    label: str = "",
) -> Deadline:
    """When a clock on ``calendar`` with ``target`` is due, with the explanation as
    :class:`Line` s. ``label`` names the clock in the target line (e.g. "resolution,
    priority A"), worded by the caller."""
    received_s = epoch(received)
    closed_pauses = [(epoch(p.start), epoch(p.end)) for p in pauses if p.end is not None]
    # The one due computation (core.due); with an open pause this is the due moment were the
    # pause to end now, which bounds the closed days the explanation lists.
    start_s, due_s = due_at(calendar, target, received_s, closed_pauses)
    started = calendar.localize(start_s)
    lines = [Line("calendar", {"name": calendar.name, "weekly": calendar.weekly, "holidays": calendar.holiday_set,
                               "zone": calendar.zone.key}),
             _target_line(calendar, target, start_s, label)]
    if start_s != received_s:
        lines.append(Line("received_outside", {"at": calendar.localize(received_s), "start": started}))
    else:
        lines.append(Line("received", {"at": started}))
    open_pause = next((p for p in pauses if p.end is None), None)

    if target.by_planning:
        due = planned.astimezone(calendar.zone) if planned else None
        lines.append(Line("planned", {"at": due}) if due else Line("unplanned"))
        # A planned date is a due moment like any other: the clock runs to it (paused while
        # the vendor waits on the customer); without one there is nothing to count down to.
        state = "planning" if due is None else "paused" if open_pause is not None else "running"
        return Deadline(due, target, calendar.id, calendar.name, started, state, lines)

    assert due_s is not None  # only a planning target has none
    for day in calendar.closed_days_between(start_s, due_s):
        lines.append(Line("skipped", {"kind": "holiday" if day.kind == "holiday" else "closed",
                                      "day": day.day, "name": day.name}))
    for a, b in merge_pauses(closed_pauses):
        if b <= start_s or a >= due_s:
            continue
        lines.append(Line("paused", {"start": calendar.localize(a), "end": calendar.localize(b),
                                     "seconds": calendar.elapsed_seconds(max(a, start_s), b)}))
    if open_pause is not None:
        lines.append(Line("paused_open", {"since": open_pause.start.astimezone(calendar.zone)}))
        return Deadline(None, target, calendar.id, calendar.name, started, "paused", lines)
    due = calendar.localize(due_s)
    lines.append(Line("due", {"at": due}))
    return Deadline(due, target, calendar.id, calendar.name, started, "running", lines)


def _target_line(calendar: Calendar, target: Target, start: int, label: str) -> Line:
    if target.by_planning:
        return Line("target_planning", {"label": label, "target": target})
    seconds = target_seconds(calendar, target, start)
    if target.unit == "bd" and calendar.day_minutes is not None:
        return Line("target_days", {"label": label, "target": target, "per_day": calendar.day_minutes * 60,
                                    "seconds": seconds})
    if target.unit == "bd":
        return Line("target_service_days", {"label": label, "target": target, "seconds": seconds})
    return Line("target", {"label": label, "target": target, "seconds": seconds})


def business_time_left(
    calendar: Calendar, now: datetime, due: datetime, pauses: Iterable[Pause] = ()
) -> int:
    """Business seconds from ``now`` until ``due``; negative when the clock is breached."""
    closed = [(epoch(p.start), epoch(p.end)) for p in pauses if p.end is not None]
    a, b = epoch(now), epoch(due)
    if b >= a:
        return elapsed_with_pauses(calendar, a, b, closed)
    return -elapsed_with_pauses(calendar, b, a, closed)
