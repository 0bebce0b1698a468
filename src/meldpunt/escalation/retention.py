"""Retention: rows that only grow are pruned daily, in short chunks, by the scheduler's ``prune`` job.

Kinds and what "old" means for each (days from settings ``MELDPUNT_KEEP_DAYS``):

- ``task_results``: django-tasks-db results that *finished* (successful or failed) that long
  ago. Ready and running tasks are never touched, however old.
- ``schedule_rows``: :class:`ScheduledRun` rows whose slot is that old (a slot is only looked
  up for the current period, so old rows have no use left; a job's current slot always stays).
- ``login_attempts``: django-axes' attempts, access logs and failure logs that old.
- ``worker_beats``: heartbeats of workers not seen for that long (a live worker beats every
  few seconds, so only dead workers' rows go).
- ``sessions``: sessions expired that long ago (0: as soon as expired), as Django's
  ``clearsessions`` would; for a session engine that is not in the database its own
  ``clear_expired()`` runs.

Rows go ``chunk`` at a time (the primary keys of one chunk are read, then deleted by key),
each chunk its own short transaction, so a million rows never hold a lock for long and the
web and workers keep going between chunks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from meldpunt.escalation.models import ScheduledRun, WorkerBeat
from meldpunt.escalation.scheduler import JOBS

logger = logging.getLogger("meldpunt.retention")
KINDS = ("task_results", "schedule_rows", "login_attempts", "worker_beats", "sessions")


def keep_days(kind: str) -> int:
    return int(settings.MELDPUNT_KEEP_DAYS[kind])


def _task_results(cutoff: datetime) -> list[QuerySet]:
    from django_tasks_db.models import DBTaskResult

    return [DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)]


def _schedule_rows(cutoff: datetime) -> list[QuerySet]:
    """Never a job's current slot, whatever the setting: its row is what stops a second run."""
    now = timezone.now()
    cutoff = min([cutoff, *(job.slot(now) for job in JOBS)])
    return [ScheduledRun.objects.filter(slot__lt=cutoff)]


def _login_attempts(cutoff: datetime) -> list[QuerySet]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [model.objects.filter(attempt_time__lt=cutoff) for model in (AccessAttempt, AccessLog, AccessFailureLog)]


def _worker_beats(cutoff: datetime) -> list[QuerySet]:
    return [WorkerBeat.objects.filter(seen_at__lt=cutoff)]


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _sessions(cutoff: datetime) -> list[QuerySet]:
    store = _session_store()
    if not hasattr(store, "get_model_class"):  # not in the database: the engine's own clean-up
        store.clear_expired()
        return []
    return [store.get_model_class().objects.filter(expire_date__lt=cutoff)]


QUERIES: dict[str, Callable[[datetime], list[QuerySet]]] = {
    "task_results": _task_results,
    "schedule_rows": _schedule_rows,
    "login_attempts": _login_attempts,
    "worker_beats": _worker_beats,
    "sessions": _sessions,
}


@dataclass
class Progress:
    kind: str
    deleted: int
    estimate: int  # rows to go at the start of this kind (counted once)


def count(now: datetime | None = None) -> dict[str, int]:
    """How many rows each kind would lose now (one COUNT per table; for the by-hand report)."""
    now = now or timezone.now()
    return {kind: sum(qs.count() for qs in QUERIES[kind](now - timedelta(days=keep_days(kind))))
            for kind in KINDS}


def _delete_in_chunks(queryset: QuerySet, chunk: int, on_chunk: Callable[[int], None]) -> int:
    model, done = queryset.model, 0
    keys = queryset.order_by().values_list("pk", flat=True)
    while True:
        with transaction.atomic():
            batch = list(keys[:chunk])
            if not batch:
                return done
            model._base_manager.filter(pk__in=batch).delete()
        done += len(batch)
        on_chunk(done)


def prune(now: datetime | None = None, chunk: int | None = None,
          on_progress: Callable[[Progress], None] | None = None, estimate: dict[str, int] | None = None,
          ) -> dict[str, int]:
    """Delete what is past its keep time; returns the rows deleted per kind.

    ``on_progress`` is called after every chunk (the command prints it; the task does not
    pass it); ``estimate`` is what :func:`count` said, shown beside the progress.
    """
    now = now or timezone.now()
    chunk = chunk or settings.MELDPUNT_PRUNE_CHUNK
    deleted = {}
    for kind in KINDS:
        cutoff = now - timedelta(days=keep_days(kind))
        total = 0
        for queryset in QUERIES[kind](cutoff):
            before = total

            def report(done: int, before=before, kind=kind) -> None:
                if on_progress:
                    on_progress(Progress(kind, before + done, (estimate or {}).get(kind, 0)))

            total += _delete_in_chunks(queryset, chunk, report)
        deleted[kind] = total
    if any(deleted.values()):
        logger.info("pruned %s", ", ".join(f"{n} {kind}" for kind, n in deleted.items() if n))
    return deleted
