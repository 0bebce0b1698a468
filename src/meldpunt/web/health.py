"""``GET /health/``: is the desk working? JSON for a person, 200 or 503 for a load balancer.

Each part says ``ok`` and what it was judged on: the database answers ``SELECT 1``; no
migration is pending; a task worker beat within ``MELDPUNT_HEALTH_WORKER_SECONDS``; the
scheduler enqueued its most frequent job within ``MELDPUNT_HEALTH_SCHEDULER_SECONDS``; every
active mailbox was polled within ``MELDPUNT_HEALTH_MAILBOX_SECONDS`` and its last poll had
no error (an error noted at or after the last poll means the last poll failed). Any part
down makes the answer 503, and ``down`` names the parts that are (``["worker", "mailbox 3"]``). ``?scope=web`` judges only what a web process needs itself (the
database and migrations): the check for a load balancer that takes one web host out, since a
stopped worker is no reason to stop serving pages.

No login: it tells nothing secret (no hosts, user names or error texts, only ages and
flags), and it costs a few indexed queries (~5 ms): the migrations in the code are read once
per process, the applied ones once per call.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count, Max, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from meldpunt.escalation.models import ScheduledRun, WorkerBeat
from meldpunt.escalation.scheduler import JOBS
from meldpunt.intake.models import Mailbox


def _age(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round((now - moment).total_seconds(), 1)


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


@cache
def _disk_migrations() -> tuple[tuple[tuple[str, str], tuple[tuple[str, str], ...]], ...]:
    """Every migration in the code, with those it replaces (the code does not change while a
    process runs; an upgrade restarts it). Reading them takes ~20 ms, so once per process."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return tuple((key, tuple(loader.disk_migrations[key].replaces)) for key in loader.graph.nodes)


def _migrations() -> dict:
    applied = MigrationRecorder(connection).applied_migrations()
    pending = [key for key, replaces in _disk_migrations()
               if key not in applied and not (replaces and all(r in applied for r in replaces))]
    return {"ok": not pending, "pending": len(pending)}


def _worker(now: datetime) -> dict:
    """Workers beating within the limit, against ``MELDPUNT_HEALTH_WORKERS`` expected (1): a
    desk that runs two workers says so, and one of them dying is a 503 until it is back."""
    limit = settings.MELDPUNT_HEALTH_WORKER_SECONDS
    expected = settings.MELDPUNT_HEALTH_WORKERS
    beats = WorkerBeat.objects.aggregate(newest=Max("seen_at"), alive=Count("pk", filter=Q(seen_at__gte=now - timedelta(seconds=limit))))
    age = _age(beats["newest"], now)
    return {"ok": age is not None and age <= limit and beats["alive"] >= expected, "last_beat": beats["newest"],
            "age_seconds": age, "limit_seconds": limit, "alive": beats["alive"], "expected": expected}


def _scheduler(now: datetime) -> dict:
    limit = settings.MELDPUNT_HEALTH_SCHEDULER_SECONDS
    job = min((j for j in JOBS if not isinstance(j.every, str)), key=lambda j: j.every)
    newest = ScheduledRun.objects.filter(job=job.name).aggregate(newest=Max("slot"))["newest"]  # (job, slot) index
    age = _age(newest, now)
    return {"ok": age is not None and age <= limit, "job": job.name, "last_slot": newest,
            "age_seconds": age, "limit_seconds": limit}


def _mailboxes(now: datetime) -> list[dict]:
    limit = settings.MELDPUNT_HEALTH_MAILBOX_SECONDS
    boxes = []
    for box in Mailbox.objects.filter(active=True).order_by("pk").only("pk", "name", "last_polled_at", "last_error_at"):
        age = _age(box.last_polled_at, now)
        failing = box.last_error_at is not None and (box.last_polled_at is None or box.last_error_at >= box.last_polled_at)
        boxes.append({"id": box.pk, "name": box.name, "ok": age is not None and age <= limit and not failing,
                      "last_poll": box.last_polled_at, "age_seconds": age, "last_poll_failed": failing,
                      "last_error_at": box.last_error_at, "limit_seconds": limit})
    return boxes


@never_cache
@require_GET
def health(request):
    now = timezone.now()
    report: dict = {"checked_at": now}
    try:
        report["database"] = _database()
        report["migrations"] = _migrations()
        if request.GET.get("scope") != "web":
            report["worker"] = _worker(now)
            report["scheduler"] = _scheduler(now)
            report["mailboxes"] = _mailboxes(now)
    except DatabaseError as exc:
        report["database"] = {"ok": False, "error": type(exc).__name__}
    parts = [(k, v) for k, v in report.items() if isinstance(v, dict)]
    parts += [(f"mailbox {box['id']}", box) for box in report.get("mailboxes", [])]
    report["down"] = [name for name, part in parts if not part["ok"]]
    report["ok"] = not report["down"]
    return JsonResponse(report, status=200 if report["ok"] else 503)
