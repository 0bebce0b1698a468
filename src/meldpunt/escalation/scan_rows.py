"""The alert scan's one read per calendar, as plain SQL.

Every minute the scan (:func:`meldpunt.escalation.services.scan_alerts`) asks, per calendar
of a catalog version: which running clocks have a due moment in one of the ranges where a
warning point or breach step was reached since the last scan, and which of their alerts
have fired already. As querysets that was two statements, an OR of ``due_at`` ranges and an
``IN`` list of every candidate's id; at a million tickets (about 1,500 candidates a scan)
compiling them cost Django more CPU than PostgreSQL spent answering them
(docs/benchmarks.md). Here it is one statement with parameters: the candidates, each joined
to its fired alerts (a clock with none comes once, with NULLs). The values pass through the
fields' own database converters (datetimes on SQLite, JSON), see :mod:`meldpunt.plain_sql`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from meldpunt import plain_sql
from meldpunt.contracts.models import Agreement
from meldpunt.escalation.models import ClockAlert
from meldpunt.tickets.models import OPEN_STATUSES, Clock, Ticket

_VALUES = ("started_at", "due_at", "pauses", "indicative")


@dataclass
class Candidate:
    """A running clock whose due moment lies in a scanned range, and its fired alerts."""

    pk: int
    started_at: datetime
    due_at: datetime
    pauses: list
    indicative: bool
    known: set[tuple[str, str]] = field(default_factory=set)  # (kind, point) already fired


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def candidates(*, catalog_id: int, calendar: str, metrics: Sequence[str],
               ranges: Sequence[tuple[datetime, datetime]]) -> list[Candidate]:
    """The running clocks on ``calendar`` of tickets that are open under an agreement of
    catalog version ``catalog_id``, measuring one of ``metrics``, due in one of ``ranges``
    (``lo < due_at <= hi``), in id order, with the alerts they have fired."""
    if not ranges or not metrics:
        return []
    among = ", ".join(["%s"] * len(metrics))
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    window = " OR ".join(["(c.due_at > %s AND c.due_at <= %s)"] * len(ranges))
    sql = (f"SELECT c.id, {', '.join('c.' + _q(name) for name in _VALUES)}, a.kind, a.point "
           f"FROM {_q(Clock._meta.db_table)} c "
           f"JOIN {_q(Ticket._meta.db_table)} t ON t.id = c.ticket_id "
           f"JOIN {_q(Agreement._meta.db_table)} g ON g.id = t.agreement_id "
           f"LEFT JOIN {_q(ClockAlert._meta.db_table)} a ON a.clock_id = c.id "
           f"WHERE c.state = %s AND c.calendar = %s AND c.metric IN ({among}) AND g.catalog_id = %s "
           f"AND t.status IN ({statuses}) AND ({window}) ORDER BY c.id")
    params: list = ["running", calendar, *metrics, catalog_id, *OPEN_STATUSES]
    adapt = connection.ops.adapt_datetimefield_value  # as the ORM stores them (naive UTC text on SQLite)
    for lo, hi in ranges:
        params += [adapt(lo), adapt(hi)]
    convert = plain_sql.converters(Clock, _VALUES)
    found: dict[int, Candidate] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, *values, kind, point in cursor.fetchall():
            candidate = found.get(pk)
            if candidate is None:
                candidate = found[pk] = Candidate(pk, *convert(values))
            if kind is not None:
                candidate.known.add((kind, point))
    return list(found.values())
