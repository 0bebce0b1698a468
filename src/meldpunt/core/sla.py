"""SLA targets, clocks and explainable due moments (DESIGN.md, "SLA semantics").

- Units: ``m`` and ``h`` are business minutes/hours; ``bd`` business days (see
  :meth:`Calendar.add_business_days` for equal and uneven service days).
- A clock starts at receipt; receipt outside service hours starts it at the next opening.
- The due moment is the earliest instant at which the target's business time has passed.
- Business time inside a pause does not count; an open pause stops the clock (no due).
- ``planning`` targets have no automatic due; an agent's planned date becomes the due.

The due moment itself comes from :func:`meldpunt.core.due.due_at` (the one due function,
whose batch form the bulk recompute uses); this module explains it. Every result carries its
explanation: the calendar, the target, each holiday or closed day skipped and each pause, in
Dutch or English. ``Target`` and ``target_seconds`` live in ``core.due`` and are imported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from meldpunt.core.businesstime import (
    Calendar,
    elapsed_with_pauses,
    epoch,
    merge_pauses,
)
from meldpunt.core.due import UNITS, Target, due_at, target_seconds

__all__ = ["UNITS", "Deadline", "Pause", "Target", "business_time_left", "compute_deadline", "target_seconds"]

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
    explanation: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "due": self.due.isoformat() if self.due else None,
            "target": str(self.target),
            "calendar": self.calendar_id,
            "started": self.started.isoformat(),
            "state": self.state,
            "explanation": list(self.explanation),
        }


_NL_DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def format_moment(moment: datetime, language: str = "en") -> str:
    """``Mon 2026-11-30 09:00 CET`` (``ma 2026-11-30 09:00 CET`` in Dutch)."""
    day = _NL_DAYS[moment.weekday()] if language == "nl" else moment.strftime("%a")
    return f"{day} {moment:%Y-%m-%d %H:%M} {moment.tzname()}"


def format_span(seconds: int, language: str = "en") -> str:
    """Business time as ``2h 30m`` (``0m`` for nothing)."""
    minutes = seconds // 60
    hours, minutes = divmod(minutes, 60)
    parts = ([f"{hours}{'u' if language == 'nl' else 'h'}"] if hours else []) + (
        [f"{minutes}m"] if minutes or not hours else []
    )
    return " ".join(parts)


def compute_deadline(
    calendar: Calendar,
    target: Target,
    received: datetime,
    pauses: Sequence[Pause] = (),
    *,
    planned: datetime | None = None,
    label: str = "",
    language: str = "en",
) -> Deadline:
    """When a clock on ``calendar`` with ``target`` is due, with the explanation.

    ``label`` names the clock in the explanation (e.g. "resolution, priority A").
    """
    nl = language == "nl"
    received_s = epoch(received)
    closed_pauses = [(epoch(p.start), epoch(p.end)) for p in pauses if p.end is not None]
    # The one due computation (core.due); with an open pause this is the due moment were the
    # pause to end now, which bounds the closed days the explanation lists.
    start_s, due_s = due_at(calendar, target, received_s, closed_pauses)
    started = calendar.localize(start_s)
    lines = [
        (f"Kalender: {calendar.name} ({calendar.description}), tijdzone {calendar.zone.key}")
        if nl
        else f"Calendar: {calendar.name} ({calendar.description}), time zone {calendar.zone.key}"
    ]
    lines.append(_target_line(calendar, target, start_s, label, language))
    if start_s != received_s:
        lines.append(
            f"Ontvangen {format_moment(calendar.localize(received_s), language)} buiten de servicetijden; de klok start bij opening {format_moment(started, language)}"
            if nl
            else f"Received {format_moment(calendar.localize(received_s), language)} outside service hours; the clock starts at the next opening, {format_moment(started, language)}"
        )
    else:
        lines.append(
            f"Ontvangen {format_moment(started, language)}; de klok start direct"
            if nl
            else f"Received {format_moment(started, language)} within service hours; the clock starts at once"
        )
    open_pause = next((p for p in pauses if p.end is None), None)

    if target.by_planning:
        due = planned
        lines.append(
            ("Oplostijd in overleg met planning: " if nl else "By planning: ")
            + (
                (f"geplande datum {format_moment(planned.astimezone(calendar.zone), language)}" if nl else f"the agent planned {format_moment(planned.astimezone(calendar.zone), language)}")
                if planned
                else ("nog geen geplande datum" if nl else "no automatic due until an agent plans a date")
            )
        )
        # A planned date is a due moment like any other: the clock runs to it (paused while
        # the vendor waits on the customer); without one there is nothing to count down to.
        state = "planning" if due is None else "paused" if open_pause is not None else "running"
        return Deadline(
            due.astimezone(calendar.zone) if due else None,
            target, calendar.id, calendar.name, started, state, lines,
        )

    assert due_s is not None  # only a planning target has none
    for day in calendar.closed_days_between(start_s, due_s):
        kind = ("feestdag" if day.kind == "holiday" else "gesloten dag") if nl else ("holiday" if day.kind == "holiday" else "closed day")
        lines.append(
            f"{'Overgeslagen' if nl else 'Skipped'} {kind}: {_NL_DAYS[day.day.weekday()] if nl else day.day.strftime('%a')} {day.day.isoformat()} {day.name}"
        )
    for a, b in merge_pauses(closed_pauses):
        if b <= start_s or a >= due_s:
            continue
        lost = calendar.elapsed_seconds(max(a, start_s), b)
        lines.append(
            f"Gepauzeerd {format_moment(calendar.localize(a), language)} – {format_moment(calendar.localize(b), language)}: {format_span(lost, language)} werktijd telt niet mee"
            if nl
            else f"Paused {format_moment(calendar.localize(a), language)} – {format_moment(calendar.localize(b), language)}: {format_span(lost, language)} of business time not counted"
        )
    if open_pause is not None:
        since = open_pause.start.astimezone(calendar.zone)
        lines.append(
            f"Gepauzeerd sinds {format_moment(since, language)}: de klok staat stil tot de klant antwoordt"
            if nl
            else f"Paused since {format_moment(since, language)}: the clock stands still until the customer answers"
        )
        return Deadline(None, target, calendar.id, calendar.name, started, "paused", lines)
    due = calendar.localize(due_s)
    lines.append(
        f"Uiterlijk: {format_moment(due, language)} (het vroegste moment waarop de werktijd verstreken is)"
        if nl
        else f"Due: {format_moment(due, language)} (the earliest moment the business time has passed)"
    )
    return Deadline(due, target, calendar.id, calendar.name, started, "running", lines)


def _target_line(calendar: Calendar, target: Target, start: int, label: str, language: str) -> str:
    nl = language == "nl"
    head = ("Doel" if nl else "Target") + (f" ({label})" if label else "")
    if target.by_planning:
        return f"{head}: {target.describe(language)}"
    span = format_span(target_seconds(calendar, target, start), language)
    if target.unit == "bd" and calendar.day_minutes is not None:
        per_day = format_span(calendar.day_minutes * 60, language)
        detail = f"{target.amount} × {per_day} = {span} {'werktijd' if nl else 'business time'}"
    elif target.unit == "bd":
        detail = (
            f"zelfde positie op de servicedag {target.amount} servicedagen later, {span} werktijd"
            if nl
            else f"same position in the service day {target.amount} service days later, {span} of business time"
        )
    else:
        detail = f"{span} {'werktijd' if nl else 'business time'}"
    return f"{head}: {target.describe(language)} ({detail})"


def business_time_left(
    calendar: Calendar, now: datetime, due: datetime, pauses: Iterable[Pause] = ()
) -> int:
    """Business seconds from ``now`` until ``due``; negative when the clock is breached."""
    closed = [(epoch(p.start), epoch(p.end)) for p in pauses if p.end is not None]
    a, b = epoch(now), epoch(due)
    if b >= a:
        return elapsed_with_pauses(calendar, a, b, closed)
    return -elapsed_with_pauses(calendar, b, a, closed)
