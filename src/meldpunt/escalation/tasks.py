"""Background jobs of escalation (django-tasks-db); the scheduler enqueues the periodic ones."""

from __future__ import annotations

from django.tasks import task

from meldpunt.escalation import retention, services, workers


@task()
def scan_alerts(full: bool = False) -> dict:
    """Fire warnings and breach steps reached since the last scan (``full``: every one due)."""
    return services.scan_alerts(full=full).as_dict()


@task()
def requeue_orphans() -> int:
    """Jobs of workers that stopped beating go back to the queue."""
    return workers.requeue_orphans()


@task()
def prune() -> dict:
    """Delete finished task results, schedule rows, login attempts, dead workers' beats and
    expired sessions past their keep time (settings.MELDPUNT_KEEP_DAYS), in chunks."""
    return retention.prune()
