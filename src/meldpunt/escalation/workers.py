"""Task workers that beat, and the jobs of workers that stopped beating put back in the queue.

django-tasks-db claims a job by marking it RUNNING with the worker's id; a worker killed
mid-job leaves it RUNNING for ever. ``meldpunt worker`` (``db_worker`` plus a heartbeat
thread) writes a :class:`WorkerBeat` every few seconds and, on the same beat, hands the
jobs of workers silent for longer than ``MELDPUNT_WORKER_STALE`` seconds back to the queue.
Jobs claimed by a plain ``db_worker`` (no heartbeat) go back only after
``MELDPUNT_TASK_MAX_AGE`` seconds. A requeued job runs again from the start, so jobs are
written to be safe to repeat: alerts and schedule slots are unique rows, mail is marked
sent under a row lock, a recompute writes the same result twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meldpunt.escalation.models import WorkerBeat

logger = logging.getLogger("meldpunt.worker")


def _seconds(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def heartbeat_interval() -> float:
    return _seconds("MELDPUNT_WORKER_HEARTBEAT", 5)


def stale_after() -> timedelta:
    return timedelta(seconds=_seconds("MELDPUNT_WORKER_STALE", 60))


def max_task_age() -> timedelta:
    return timedelta(seconds=_seconds("MELDPUNT_TASK_MAX_AGE", 3600))


def beat(worker_id: str, started_at=None) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now, "host": socket.gethostname()[:200], "pid": os.getpid()},
        create_defaults={"seen_at": now, "host": socket.gethostname()[:200], "pid": os.getpid(),
                         "started_at": started_at or now},
    )


def requeue_orphans(now=None) -> int:
    """Put RUNNING jobs of dead workers back to READY; returns how many."""
    now = now or timezone.now()
    running = list(DBTaskResult.objects.filter(status="RUNNING").values_list("id", "worker_ids", "started_at"))
    if not running:
        return 0
    beats = dict(WorkerBeat.objects.values_list("worker_id", "seen_at"))
    orphans = []
    for task_id, worker_ids, started_at in running:
        worker = worker_ids[-1] if worker_ids else None
        seen = beats.get(worker)
        if (seen is not None and seen < now - stale_after()) or (
            seen is None and started_at is not None and started_at < now - max_task_age()
        ):
            orphans.append(task_id)
    if not orphans:
        return 0
    count = DBTaskResult.objects.filter(id__in=orphans, status="RUNNING").update(status="READY", started_at=None)
    if count:
        logger.warning("requeued %d job(s) of stopped workers", count)
    WorkerBeat.objects.filter(seen_at__lt=now - stale_after() * 10).delete()
    return count


class Heartbeat(threading.Thread):
    """Beats for ``worker_id`` and requeues orphans until stopped (its own DB connection)."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                beat(self.worker_id, self.started_at)
                requeue_orphans()
            except Exception:  # a database hiccup must not kill the worker; next beat retries
                logger.exception("heartbeat failed")
            self.stopping.wait(heartbeat_interval())
        try:
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
