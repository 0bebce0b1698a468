"""Move the open clocks of a calendar in bulk after a vendor edits its closed days.

Recomputing ticket by ticket (``tickets.clocks.recompute_clocks``: two reads and two writes
per ticket) is far too slow for a million clocks. Here the running clocks are read in keyset chunks as plain tuples, the
new due moments come from :meth:`Calendar.add_many` (one batch per chunk; clocks with past
pauses or uneven business days go through the pause-aware path), and only the clocks that
moved get a new explanation, a bulk UPDATE and one event per ticket. With ``days`` only the
clocks that can span those days are read (received before the last, due after the first).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction

from meldpunt.contracts.catalogs import calendar_for
from meldpunt.contracts.models import CatalogVersion
from meldpunt.core.businesstime import Calendar, add_with_pauses, epoch
from meldpunt.core.sla import Pause, Target, compute_deadline, format_moment, target_seconds
from meldpunt.tickets.clocks import refresh_next_due
from meldpunt.tickets.models import OPEN_STATUSES, Clock, TicketEvent

CHUNK = 20_000


@dataclass
class RecomputeReport:
    vendor: str
    calendar: str
    examined: int = 0
    moved: int = 0
    tickets: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"vendor": self.vendor, "calendar": self.calendar, "examined": self.examined,
                "moved": self.moved, "tickets": self.tickets, "seconds": round(self.seconds, 3)}

    def __str__(self) -> str:
        return (f"{self.moved} of {self.examined} open clocks on {self.vendor}:{self.calendar} moved "
                f"({self.tickets} tickets) in {self.seconds:.2f} s")


def _pauses(raw: list) -> list[tuple[int, int]]:
    return [(epoch(datetime.fromisoformat(a)), epoch(datetime.fromisoformat(b))) for a, b, *_ in raw if b]


def recompute_calendar(*, vendor: str, calendar: str, days: Iterable[date] | None = None,
                       chunk: int = CHUNK) -> RecomputeReport:
    """Recompute the running clocks on ``vendor``'s ``calendar``; says how many moved."""
    report = RecomputeReport(vendor, calendar)
    began = time.perf_counter()
    days = sorted(days or [])
    for version in CatalogVersion.objects.filter(vendor=vendor):
        catalog = version.parsed()
        if calendar not in catalog.calendars:
            continue
        cal = calendar_for(version, calendar)
        rows = Clock.objects.filter(state="running", calendar=calendar, ticket__agreement__catalog=version,
                                    ticket__status__in=OPEN_STATUSES, due_at__isnull=False)
        if days:
            first = datetime.combine(days[0], datetime.min.time(), cal.zone)
            last = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), cal.zone)
            rows = rows.filter(due_at__gte=first, ticket__received_at__lt=last)
        after = 0
        while True:
            batch = list(
                rows.filter(pk__gt=after).order_by("pk").values_list(
                    "pk", "ticket_id", "metric", "target", "pauses", "started_at", "due_at",
                    "ticket__received_at", "ticket__priority", "explanation",
                )[:chunk]
            )
            if not batch:
                break
            after = batch[-1][0]
            report.examined += len(batch)
            _recompute_chunk(cal, catalog, batch, report)
    report.seconds = time.perf_counter() - began
    return report


def _recompute_chunk(cal: Calendar, catalog, batch: list[tuple], report: RecomputeReport) -> None:
    spans: dict[str, int | None] = {}
    simple_idx, simple_starts, simple_spans = [], [], []
    new_due: list[int | None] = [None] * len(batch)
    starts: list[int] = []
    for i, (_pk, _t, _m, text, pauses, _s, _d, received, _p, _e) in enumerate(batch):
        start = cal.next_open(epoch(received))
        starts.append(start)
        if text not in spans:
            target = Target.parse(text)
            uneven = target.unit == "bd" and cal.day_minutes is None
            spans[text] = None if uneven or target.by_planning else target_seconds(cal, target, start)
        span = spans[text]
        closed = _pauses(pauses) if pauses else []
        if span is not None and not closed:
            simple_idx.append(i)
            simple_starts.append(start)
            simple_spans.append(span)
        else:
            target = Target.parse(text)
            if target.by_planning:
                continue
            new_due[i] = add_with_pauses(cal, start, target_seconds(cal, target, start), closed)
    for i, due in zip(simple_idx, cal.add_many(simple_starts, simple_spans), strict=True):
        new_due[i] = due
    moved: list[tuple[int, datetime, datetime, list[str]]] = []
    tickets: set[int] = set()
    for i, (pk, ticket_id, metric, text, pauses, started_at, due_at, received, priority, stored) in enumerate(batch):
        due = new_due[i]
        if due is None or (due == epoch(due_at) and starts[i] == epoch(started_at)):
            continue
        explanation = _explanation_tail(cal, stored, starts[i], due) if (
            not pauses and starts[i] == epoch(started_at)) else None
        if explanation is None:
            label = f"{metric}, {catalog.priority.label(priority, 'en')}" if priority else metric
            deadline = compute_deadline(
                cal, Target.parse(text), received,
                [Pause(datetime.fromisoformat(a), datetime.fromisoformat(b) if b else None) for a, b, *_ in pauses],
                label=label,
            )
            explanation = deadline.explanation
        moved.append((pk, cal.localize(starts[i]), cal.localize(due), explanation))
        tickets.add(ticket_id)
    if not moved:
        return
    reason = f"closed days of calendar {cal.id} changed"
    with transaction.atomic():
        _write(moved)
        refresh_next_due(tickets)
        TicketEvent.objects.bulk_create(
            [TicketEvent(ticket_id=t, kind="clock", data={"reason": reason, "bulk": True}) for t in sorted(tickets)],
            batch_size=5000,
        )
    report.moved += len(moved)
    report.tickets += len(tickets)


def _explanation_tail(cal: Calendar, stored: list[str], start: int, due: int) -> list[str] | None:
    """The stored explanation with its closed-day lines and due line redone for the new due.

    Only for clocks without pauses whose start did not move: then the calendar, target and
    receipt lines stand, and what follows is exactly what ``core.sla.compute_deadline`` writes
    (the test suite compares the two). Anything else is recomputed in full.
    """
    head = []
    for line in stored:
        if line.startswith(("Skipped ", "Paused ", "Due: ")):
            break
        head.append(line)
    if len(head) != 3:
        return None
    lines = head
    for day in cal.closed_days_between(start, due):
        kind = "holiday" if day.kind == "holiday" else "closed day"
        lines.append(f"Skipped {kind}: {day.day.strftime('%a')} {day.day.isoformat()} {day.name}")
    lines.append(f"Due: {format_moment(cal.localize(due))} (the earliest moment the business time has passed)")
    return lines


def _write(moved: list[tuple[int, datetime, datetime, list[str]]]) -> None:
    """New start, due and explanation for the moved clocks: COPY into a temporary table and one
    UPDATE … FROM on PostgreSQL (bulk_update's CASE per row is slow at this size); bulk_update elsewhere."""
    if connection.vendor != "postgresql":
        Clock.objects.bulk_update(
            [Clock(pk=pk, started_at=s, due_at=d, explanation=e) for pk, s, d, e in moved],
            ["started_at", "due_at", "explanation"], batch_size=2000,
        )
        return
    import json

    table = Clock._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS meldpunt_moved_clock "
                       "(id bigint, started_at timestamptz, due_at timestamptz, explanation jsonb) ON COMMIT DELETE ROWS")
        with cursor.cursor.copy("COPY meldpunt_moved_clock (id, started_at, due_at, explanation) FROM STDIN") as copy:
            for pk, started, due, explanation in moved:
                copy.write_row((pk, started, due, json.dumps(explanation)))
        cursor.execute(f'UPDATE "{table}" c SET started_at = m.started_at, due_at = m.due_at, '
                       f"explanation = m.explanation FROM meldpunt_moved_clock m WHERE c.id = m.id")
