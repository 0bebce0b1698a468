"""Generate N realistic tickets with their SLA clocks on PostgreSQL, fast, with COPY.

Run: ``scripts/with-postgres .venv/bin/python bench/generate_tickets.py`` (N from
``BENCH_TICKETS``, default 1,000,000; ``--open-share`` of them open, default 1.0 because the
alert scan is measured over open tickets). Prints progress with counts, rate and ETA.

Realistic means: 200 customer organisations on ERP.M Small/Medium/Large (a fifth with the
Premium add-on), kinds and priorities in plausible shares, receipts spread over the last
15 business days in service hours (some outside), an assignee on most tickets, and both
clocks computed with the real engine and calendars (``core.due.due_at_many``), so due
moments fall where the product would put them: some breached, many running into the next
days. Response clocks of tickets older than their target are mostly stopped (answered).
Rows are streamed with psycopg's ``COPY ... FROM STDIN``; ids are taken from the
sequences up front, so the generator may run while the desk is live.

Texts (for the search benchmark): subjects, descriptions and one to three thread messages
(a fifth of them internal notes) from a Dutch and English support vocabulary with a long
tail of rarer words (Zipf-distributed, :mod:`vocabulary`), an error code on a third of the
tickets. The search documents are written by SQL too: each batch is COPYed into a staging
table and inserted with the same tsvector expression the product uses
(:func:`meldpunt.tickets.search_index.vector_sql`); the GIN index is dropped for the load
and built once at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime

from benchdb import desk, setup
from vocabulary import Vocabulary

KINDS = [("incident", 0.7), ("question", 0.2), ("change", 0.1)]
IMPACT_URGENCY = [("one", "low"), ("one", "medium"), ("multiple", "medium"), ("one", "high"),
                  ("organisation", "medium"), ("multiple", "high"), ("organisation", "high")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=int(__import__("os").environ.get("BENCH_TICKETS", 1_000_000)))
    parser.add_argument("--open-share", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20260409)
    args = parser.parse_args()
    setup()
    generate(args.tickets, args.open_share, args.seed)


def generate(n: int, open_share: float = 1.0, seed: int = 20260409) -> None:
    from django.db import connection
    from django.utils import timezone

    from meldpunt.contracts.catalogs import calendar_for
    from meldpunt.contracts.models import Organisation
    from meldpunt.core.due import due_at_many
    from meldpunt.core.priority import assign_priority
    from meldpunt.tickets.models import Clock, Message, SearchDocument, Ticket
    from meldpunt.tickets.search_index import PG_SETUP, PG_TEARDOWN

    rng = random.Random(seed)
    words = Vocabulary(rng)
    agreements, staff = desk()
    version = agreements[0].catalog
    catalog = version.parsed()
    calendars = {cid: calendar_for(version, cid) for cid in catalog.calendars}
    addons = {a.pk: a.addon_ids() for a in agreements}
    now = int(timezone.now().timestamp())
    work = calendars["workdays"]
    window_start = work.instant_at(work.position(now) - 15 * 8 * 3600)  # 15 business days back
    print(f"Generating {n:,} tickets (+ {2 * n:,} clocks), {open_share:.0%} open, on {connection.vendor}")

    # Plan per (agreement, kind, impact, urgency): priority, calendar and targets (few combinations).
    plans: dict[tuple, tuple] = {}

    def plan(agreement, kind, iu):
        key = (agreement.pk, kind, iu)
        if key not in plans:
            decision = assign_priority(catalog.priority, kind, impact=iu[0], urgency=iu[1])
            cal = catalog.calendar_for(agreement.package, addons[agreement.pk], kind, decision.level)
            targets = {m: catalog.target_for(agreement.package, addons[agreement.pk], kind, decision.level, m)
                       for m in ("response", "resolution")}
            plans[key] = (decision, cal.id, targets)
        return plans[key]

    ticket_fields = [f for f in Ticket._meta.concrete_fields if not f.primary_key]
    clock_fields = [f for f in Clock._meta.concrete_fields if not f.primary_key]
    message_fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_ticket")
        first_id = cursor.fetchone()[0] + 1
        for statement in PG_TEARDOWN:  # built once after the load: far faster than row by row
            cursor.execute(statement)
        cursor.execute("CREATE TEMP TABLE search_staging (ticket_id bigint, number text, head text, body text, notes text)")
    org_names = dict(Organisation.objects.filter(pk__in=[a.organisation_id for a in agreements]).values_list("pk", "name"))
    messages_total = 0
    began = time.perf_counter()
    batch = 50_000
    done = 0
    while done < n:
        size = min(batch, n - done)
        tickets, clocks, messages, documents = [], [], [], []
        received_all = [rng.randint(window_start, now) for _ in range(size)]
        rows = []
        for _ in range(size):
            agreement = agreements[rng.randrange(len(agreements))]
            kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
            iu = IMPACT_URGENCY[rng.randrange(len(IMPACT_URGENCY))]
            rows.append((agreement, kind, iu, *plan(agreement, kind, iu)))
        # Start and due moments per calendar with the core's batch due function (core.due).
        per_cal: dict[str, tuple[list, list, list]] = {}
        for i, (_a, _k, _iu, _d, cal_id, targets) in enumerate(rows):
            for metric, target in targets.items():
                if target is None or target.by_planning:
                    continue
                keys, plan_targets, received = per_cal.setdefault(cal_id, ([], [], []))
                keys.append((i, metric))
                plan_targets.append(target)
                received.append(received_all[i])
        due: dict[tuple[int, str], tuple[int, int]] = {}
        for cal_id, (keys, plan_targets, received) in per_cal.items():
            due.update(zip(keys, due_at_many(calendars[cal_id], plan_targets, received), strict=True))
        for i, (agreement, kind, iu, decision, cal_id, targets) in enumerate(rows):
            ticket_id = first_id + done + i
            received = datetime.fromtimestamp(received_all[i], UTC)
            is_open = rng.random() < open_share
            status = rng.choice(["new", "approved", "in_progress", "in_progress"]) if is_open else "closed"
            running: list[tuple[bool, datetime]] = []  # (indicative, due): hard clocks first, as tickets.clocks
            for metric, target in targets.items():
                state, start, end, stopped = "none", None, None, None
                if target is not None and str(target) == "planning":
                    state = "planning"
                elif (i, metric) in due:
                    start_s, due_s = due[(i, metric)]
                    start, end = datetime.fromtimestamp(start_s, UTC), datetime.fromtimestamp(due_s, UTC)
                    state = "running"
                    if metric == "response" and rng.random() < 0.85 and start_s + 1800 < now:
                        stopped = datetime.fromtimestamp(min(now, start_s + rng.randint(600, max(601, due_s - start_s))), UTC)
                        state = "stopped"
                    if not is_open:
                        state, stopped = "stopped", stopped or datetime.fromtimestamp(min(now, due_s), UTC)
                clock_values = {
                    "ticket": ticket_id, "metric": metric, "state": state, "calendar": cal_id if target else "",
                    "target": str(target) if target else "", "started_at": start, "due_at": end, "stopped_at": stopped,
                    "pauses": [], "explanation": [f"Generated: {metric} {target or 'no target'} on {cal_id}"],
                    "indicative": target is not None and catalog.is_indicative(metric),
                }
                clocks.append([_value(f, clock_values) for f in clock_fields])
                if state == "running" and end is not None:
                    running.append((target is not None and catalog.is_indicative(metric), end))
            first = min(running, default=None)
            next_due = first[1] if first else None
            subject, description = words.subject(), words.text(15, 40)
            error_code = words.error_code() if rng.random() < 0.33 else ""
            reporter = f"user{rng.randrange(9999)}@customer.test"
            public, notes = [description], []
            for _m in range(rng.randint(1, 3)):
                internal = rng.random() < 0.2
                body = words.text(10, 40)
                (notes if internal else public).append(body)
                messages.append([_value(f, {
                    "ticket": ticket_id, "author": None, "from_customer": not internal and rng.random() < 0.5,
                    "public": not internal, "channel": "email", "body": body, "created_at": received}) for f in message_fields])
            head = "\n".join(t for t in (subject, error_code, org_names[agreement.organisation_id], reporter) if t)
            documents.append((ticket_id, str(ticket_id), head, "\n".join(public), "\n".join(notes)))
            values = {
                "organisation": agreement.organisation_id, "agreement": agreement.pk, "contact": None,
                "reporter_email": reporter, "error_code": error_code,
                "assignee": staff[rng.randrange(len(staff))].pk if rng.random() < 0.8 else None,
                "kind": kind, "status": status, "priority": decision.level, "priority_reason": decision.reason[:300],
                "impact": iu[0], "urgency": iu[1], "subject": subject,
                "description": description, "channel": rng.choice(["email", "portal", "phone"]),
                "language": "nl", "received_at": received, "planned_at": None, "idempotency_key": None, "version": 1,
                "created_at": received, "updated_at": received,
                "next_due_at": next_due, "next_due_indicative": bool(first and first[0]),
                "priority_rank": catalog.priority.rank(decision.level),
                "package_rank": catalog.packages[agreement.package].queue_rank,
            }
            tickets.append([_value(f, values) for f in ticket_fields])
        _copy(connection, Ticket, ticket_fields, tickets)
        _copy(connection, Clock, clock_fields, clocks)
        _copy(connection, Message, message_fields, messages)
        _documents(connection, SearchDocument, documents)
        messages_total += len(messages)
        done += size
        elapsed = time.perf_counter() - began
        rate = done / elapsed
        print(f"  {done:>10,} / {n:,} tickets  {rate:>9,.0f}/s  ETA {(n - done) / rate:5.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT MAX(id) FROM tickets_ticket))")
        cursor.execute("ANALYZE tickets_ticket")
        cursor.execute("ANALYZE tickets_clock")
        cursor.execute("SELECT setval(pg_get_serial_sequence('tickets_message', 'id'), (SELECT MAX(id) FROM tickets_message))")
        indexing = time.perf_counter()
        for statement in PG_SETUP:
            cursor.execute(statement)
        cursor.execute("ANALYZE tickets_message")
        cursor.execute("ANALYZE tickets_searchdocument")
        print(f"  search index (GIN) built in {time.perf_counter() - indexing:.1f} s")
    print(f"Generated {n:,} tickets, {2 * n:,} clocks, {messages_total:,} messages and their search documents "
          f"in {time.perf_counter() - began:.1f} s")


def _value(field, values: dict):
    name = field.name
    if name in values:
        value = values[name]
    elif field.attname in values:
        value = values[field.attname]
    else:  # a column this generator does not know (added later): the model's default
        value = field.get_default()
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return value


def _documents(connection, model, rows) -> None:
    """Search documents by SQL: COPY the texts into the staging table, then insert them
    with the product's tsvector expression over the folded texts (the generated words are
    ASCII, so folding is the non-word-to-space step, done here by regexp_replace)."""
    from meldpunt.tickets.search_index import vector_sql

    def folded(column: str) -> str:
        return f"regexp_replace({column}, '[^[:alnum:]]+', ' ', 'g')"

    with connection.cursor() as cursor:
        with cursor.cursor.copy("COPY search_staging (ticket_id, number, head, body, notes) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        vector = vector_sql("number", folded("head"), folded("body"), folded("notes"))
        cursor.execute(f'INSERT INTO "{model._meta.db_table}" (ticket_id, number, head, body, notes, vector) '
                       f"SELECT ticket_id, number, head, body, notes, {vector} FROM search_staging")
        cursor.execute("TRUNCATE search_staging")


def _copy(connection, model, fields, rows) -> None:
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
