"""Move the open clocks of a calendar in bulk after its closed days or hours change.

Called only through :mod:`meldpunt.tickets.calendars` (the one service for calendar and
closed-day changes). Recomputing ticket by ticket (``tickets.clocks.recompute_clocks``: two
reads and two writes per ticket) is far too slow for a million clocks. Here the running
clocks are read in keyset chunks as plain tuples, the new start and due moments come from the
core's batch form :func:`meldpunt.core.due.due_at_many` (one call per chunk; the same function
as the per-ticket path's :func:`~meldpunt.core.due.due_at`, which it falls back to for clocks
with past pauses or uneven business days), and only the clocks that moved get a bulk UPDATE
(explanation cleared, derived on read), their tickets a new next deadline, and one event per
ticket. With ``days`` only the clocks that can span those days are read (received before the
last, due after the first).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.db.models.functions import Cast, Extract, Floor
from django.utils.translation import gettext

from meldpunt.contracts.catalogs import calendar_for
from meldpunt.contracts.models import CatalogVersion
from meldpunt.core.businesstime import Calendar, epoch
from meldpunt.core.due import Target, due_at_many
from meldpunt.localformat import number
from meldpunt.tickets import events, signals
from meldpunt.tickets.clocks import CLOCK_CLAIMS, recompute_clocks, refresh_next_due
from meldpunt.tickets.models import OPEN_STATUSES, Clock, Ticket, TicketEvent

CHUNK = 100_000


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
        """What a command prints, in the active language (never stored)."""
        return gettext("%(moved)s of %(examined)s open clocks on %(vendor)s:%(calendar)s moved (%(tickets)s tickets) in "
                 "%(seconds)s s") % {"moved": self.moved, "examined": self.examined, "vendor": self.vendor,
                                      "calendar": self.calendar, "tickets": self.tickets,
                                      "seconds": number(self.seconds, 2)}


def _pauses(raw: list) -> list[tuple[int, int]]:
    """The closed pauses of a stored clock (a running clock has no open one)."""
    return [(epoch(datetime.fromisoformat(a)), epoch(datetime.fromisoformat(b))) for a, b, *_ in raw if b]


def recompute_calendar(*, vendor: str, calendar: str, days: Iterable[date] | None = None,
                       versions: Iterable[int] | None = None, reason: str = "",
                       chunk: int = CHUNK) -> RecomputeReport:
    """Recompute the running clocks on ``vendor``'s ``calendar``; says how many moved.

    ``days``: only clocks that can span one of them. ``versions``: only tickets whose
    agreement is on one of these catalog versions (ids). ``reason`` goes into each moved
    ticket's event."""
    report = RecomputeReport(vendor, calendar)
    reason = reason or f"closed days of calendar {calendar} changed"
    began = time.perf_counter()
    days = sorted(days or [])
    stored = CatalogVersion.objects.filter(vendor=vendor).order_by("pk")
    if versions is not None:
        stored = stored.filter(pk__in=list(versions))
    for version in stored:
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
            batch = _read(rows, after, chunk)
            if not batch:
                break
            after = batch[-1][0]
            report.examined += len(batch)
            batch = _claimed_apart(version, batch, report)
            _recompute_chunk(cal, batch, report, reason)
    report.seconds = time.perf_counter() - began
    if report.moved:
        signals.clocks_moved.send(Clock, vendor=vendor, calendar=calendar, report=report)
    return report


def _read(rows, after: int, chunk: int) -> list[tuple]:
    """The next chunk as ``(pk, ticket, target, pauses, started, due, received)``, moments in
    epoch seconds. On PostgreSQL the database does the conversion and sends the pauses only
    where there are any: decoding half a million datetimes and JSON lists in Python took
    most of a full sweep."""
    page = rows.filter(pk__gt=after).order_by("pk")[:chunk]
    if connection.vendor != "postgresql":
        return [(pk, t, text, pauses, epoch(s), epoch(d), epoch(r)) for pk, t, text, pauses, s, d, r in page.values_list(
            "pk", "ticket_id", "target", "pauses", "started_at", "due_at", "ticket__received_at")]
    page = page.annotate(
        p=Case(When(pauses=[], then=Value(None)), default=F("pauses")),
        s=_seconds("started_at"), d=_seconds("due_at"), r=_seconds("ticket__received_at"),
    )
    return list(page.values_list("pk", "ticket_id", "target", "p", "s", "d", "r"))


def _seconds(field: str):
    """Whole epoch seconds, floored like ``core.businesstime.epoch``."""
    return Cast(Floor(Extract(field, "epoch", tzinfo=UTC)), BigIntegerField())  # not the current zone


def _claimed_apart(version, batch: list[tuple], report: RecomputeReport) -> list[tuple]:
    """Recompute one by one the tickets a calendar hook claims (a booked special-event
    weekend adds hours to their calendar); the rest of the chunk is returned for the batch."""
    claimed: set[int] = set()
    for claim in CLOCK_CLAIMS:
        claimed |= claim(version, [(row[1], row[6]) for row in batch])
    if not claimed:
        return batch
    for ticket in Ticket.objects.filter(pk__in=sorted(claimed)):
        before = dict(ticket.clocks.values_list("metric", "due_at"))
        with transaction.atomic():
            after = {c.metric: c.due_at for c in recompute_clocks(ticket)}
        moved = sum(1 for metric, due in after.items() if metric in before and before[metric] != due)
        report.moved += moved
        report.tickets += 1 if moved else 0
    return [row for row in batch if row[1] not in claimed]


def _recompute_chunk(cal: Calendar, batch: list[tuple], report: RecomputeReport, reason: str) -> None:
    targets: dict[str, Target] = {}
    plan = [targets.get(text) or targets.setdefault(text, Target.parse(text)) for _pk, _t, text, *_ in batch]
    pauses = [_pauses(raw) if raw else () for _pk, _t, _x, raw, *_ in batch]
    computed = due_at_many(cal, plan, [row[6] for row in batch], pauses)
    moved: list[tuple[int, datetime, datetime]] = []
    tickets: set[int] = set()
    for (pk, ticket_id, _t, _p, started_at, due_at, _r), (start, due) in zip(batch, computed, strict=True):
        if due is None or (due == due_at and start == started_at):
            continue
        moved.append((pk, cal.localize(start), cal.localize(due)))
        tickets.add(ticket_id)
    if not moved:
        return
    with transaction.atomic():
        _write(moved, tickets, reason)
    report.moved += len(moved)
    report.tickets += len(tickets)


def _write(moved: list[tuple[int, datetime, datetime]], tickets: set[int], reason: str) -> None:
    """Store the moved clocks, their tickets' next deadline and one audit event per ticket.

    The explanation is cleared, not rewritten: ``tickets.clocks.explain`` derives it from
    the clock when it is read (writing 100,000 explanations cost more than all the rest).

    PostgreSQL: COPY into temporary tables, then one UPDATE … FROM for the clocks, one
    set-based UPDATE for the tickets and one INSERT … SELECT for the events (bulk_update's
    CASE per row and bulk_create's bound parameters are slow at this size). Elsewhere the
    ORM's bulk operations."""
    if connection.vendor != "postgresql":
        Clock.objects.bulk_update(
            [Clock(pk=pk, started_at=s, due_at=d, explanation=[]) for pk, s, d in moved],
            ["started_at", "due_at", "explanation"], batch_size=2000,
        )
        refresh_next_due(tickets)
        events.record_rows((events.row(t, "clock", reason=reason, bulk=True) for t in sorted(tickets)), batch_size=5000)
        return
    clocks, event_table, ticket_table = Clock._meta.db_table, TicketEvent._meta.db_table, Ticket._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS meldpunt_moved_clock "
                       "(id bigint, started_at timestamptz, due_at timestamptz) ON COMMIT DELETE ROWS")
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS meldpunt_moved_ticket (id bigint) ON COMMIT DELETE ROWS")
        # Empty even inside a caller's longer transaction (ON COMMIT only empties them at its end).
        cursor.execute("TRUNCATE meldpunt_moved_clock, meldpunt_moved_ticket")
        with cursor.cursor.copy("COPY meldpunt_moved_clock (id, started_at, due_at) FROM STDIN") as copy:
            for row in moved:
                copy.write_row(row)
        with cursor.cursor.copy("COPY meldpunt_moved_ticket (id) FROM STDIN") as copy:
            for pk in tickets:
                copy.write_row((pk,))
        cursor.execute("ANALYZE meldpunt_moved_clock")  # temporary tables have no statistics otherwise
        cursor.execute("ANALYZE meldpunt_moved_ticket")
        # A chunk touches a tenth of the tables: index lookups by id beat hashing the whole
        # ticket and clock tables, and JIT compiling these statements costs more than it saves.
        cursor.execute("SET LOCAL jit = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        cursor.execute(f'UPDATE "{clocks}" c SET started_at = m.started_at, due_at = m.due_at, '
                       f"explanation = '[]'::jsonb FROM meldpunt_moved_clock m WHERE c.id = m.id")
        # The next deadline: the earliest hard clock, an indicative one only when no hard one runs.
        cursor.execute(
            f'UPDATE "{ticket_table}" t SET next_due_at = n.due, next_due_indicative = n.indicative FROM ('
            f'  SELECT DISTINCT ON (c.ticket_id) c.ticket_id, c.due_at AS due, c.indicative FROM "{clocks}" c'
            f"  JOIN meldpunt_moved_ticket m ON m.id = c.ticket_id"
            f"  WHERE c.state = 'running' AND c.due_at IS NOT NULL ORDER BY c.ticket_id, c.indicative, c.due_at"
            f") n WHERE t.id = n.ticket_id AND (t.next_due_at IS DISTINCT FROM n.due"
            f" OR t.next_due_indicative <> n.indicative)")
        cursor.execute(
            f'INSERT INTO "{event_table}" (ticket_id, at, actor_id, kind, data) '
            f"SELECT id, now(), NULL, 'clock', %s::jsonb FROM meldpunt_moved_ticket ORDER BY id",
            [json.dumps({"reason": reason, "bulk": True})])
