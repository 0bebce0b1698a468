"""The one registration path: every channel registers its requests here.

Portal form, the console's "log a call", ``POST /api/tickets``, mail intake (one mail or a
fetched batch), forwards, community questions, bookings, licence-key requests and the demo
all hand one :class:`~meldpunt.tickets.requests.NewRequest` per request to :func:`register`
(or :func:`register_one`, which also hands back the clocks as written). In one transaction:

1. the ticket, its SLA clocks and its 'created' event (the creation functions of
   :mod:`meldpunt.tickets.services`: one request, or a batch in bulk inserts);
2. a pending :class:`~meldpunt.tickets.models.FollowUp` row per new ticket, so the
   follow-up exists exactly when the ticket does; except for imported history
   (``NewRequest.imported``, :mod:`meldpunt.history`): it was answered in the old desk, so
   it gets no assessment and no confirmation mail.

After the commit the follow-up task is enqueued (one per :data:`CHUNK` new tickets, less the
runs queued already and not started, which will take these too) and the worker runs it:
triage's assessment, then the confirmation (:func:`meldpunt.triage.followup.follow_up_pending`),
for one request and a batch alike. The task takes every pending follow-up at hand, so batches
form by themselves under load. The task only wakes the worker: should the process die between the commit and the enqueue,
the pending rows stay, and the next run (any registration's, or the scheduler's
``follow-ups`` job every minute) does them.

The follow-up task belongs to an app above this one (it calls triage and the outbox), so
this module does not import it: :data:`follow_up_task` is set once at start-up by the app
that owns it (``TriageConfig.ready``), and registering without it is an error, not a
silent skip.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil
from typing import Any

from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from meldpunt.tickets import services
from meldpunt.tickets.models import FollowUp, Ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import Registered

#: The worker's task after every registration (no arguments: it takes what is pending).
#: Set by ``meldpunt.triage.apps.TriageConfig.ready``.
follow_up_task: Any = None

#: Pending follow-ups one task run takes in one transaction. A batch larger than this
#: enqueues one task per chunk, so several workers share it (``SKIP LOCKED``).
CHUNK = 100


def register_one(request: NewRequest, *, actor=None) -> Registered:
    """Register one request: the ticket, the clocks as written (the API answers from them)
    and whether it is new. The same ``idempotency_key`` within an organisation hands back
    the first ticket, with no second follow-up. ``actor``: who registers it (None: the
    system)."""
    with transaction.atomic():
        registered = services.register(request, actor=actor)
        if registered.created and not request.imported:
            _follow_up([registered.ticket])
    return registered


def register(requests: Sequence[NewRequest], *, actor=None) -> list[Ticket]:
    """Register ``requests`` (one, or a batch such as one IMAP fetch) and return their
    tickets in the same order. A batch without idempotency keys and without an actor is
    written in bulk inserts; either way all of them or none are registered (a bad request
    raises :class:`~meldpunt.tickets.services.TicketError`)."""
    requests = list(requests)
    if not requests:
        return []
    with transaction.atomic():
        if len(requests) > 1 and actor is None and not any(r.idempotency_key for r in requests):
            tickets = services.register_tickets(requests)
            _follow_up([t for t, r in zip(tickets, requests, strict=True) if not r.imported])
            return tickets
        done = [services.register(request, actor=actor) for request in requests]
        _follow_up([d.ticket for d, r in zip(done, requests, strict=True) if d.created and not r.imported])
        return [r.ticket for r in done]


def _follow_up(tickets: list[Ticket]) -> None:
    """Mark the new tickets' follow-up pending and enqueue the task that does it, in the
    registration's transaction (the caller's)."""
    if not tickets:
        return
    if follow_up_task is None:
        raise RuntimeError("no follow-up task is set: meldpunt.triage must be installed (TriageConfig.ready sets it)")
    FollowUp.objects.bulk_create([FollowUp(ticket=ticket) for ticket in tickets])
    task, runs = follow_up_task, ceil(len(tickets) / CHUNK)
    transaction.on_commit(lambda: _wake(task, runs))


def _wake(task, runs: int) -> None:
    """Enqueue ``runs`` runs of the follow-up ``task``, less the runs already queued and not
    started: a queued run takes every follow-up pending when it starts, and these were
    committed before it (a run a worker has claimed is no longer waiting, so it does not
    count). Under load one run then does many requests at once instead of one run each,
    and no confirmation waits longer for it."""
    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend):
        runs -= _waiting(backend.alias, task.module_path, runs)
    for _ in range(runs):
        task.enqueue()


def _waiting(backend: str, task_path: str, limit: int) -> int:
    """How many runs of ``task_path`` are ready and not started (up to ``limit``): the rule of
    django-tasks-db's ``DBTaskResult.objects.ready()`` (READY, and no ``run_after`` or one
    passed), as one plain SELECT: every registration runs it, and the ORM's compiling of
    that query cost more CPU than the rest of the wake (:mod:`meldpunt.plain_sql`)."""
    meta, ops = DBTaskResult._meta, connection.ops
    column = {name: ops.quote_name(meta.get_field(name).column) for name in ("status", "backend_name", "task_path", "run_after")}
    sql = (f"SELECT 1 FROM {ops.quote_name(meta.db_table)} WHERE {column['status']} = %s AND {column['backend_name']} = %s "
           f"AND {column['task_path']} = %s AND ({column['run_after']} = %s OR {column['run_after']} <= %s) LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [TaskResultStatus.READY.value, backend, task_path, ops.adapt_datetimefield_value(get_date_max()),
                             ops.adapt_datetimefield_value(timezone.now()), limit])
        return len(cursor.fetchall())


def create_ticket(request: NewRequest, *, actor=None) -> tuple[Ticket, bool]:
    """:func:`register_one`'s ticket and whether it is new (most channels need no more)."""
    ticket, _clocks, created = register_one(request, actor=actor)
    return ticket, created
