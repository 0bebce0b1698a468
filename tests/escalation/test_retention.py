"""Retention: the daily prune job and ``meldpunt prune`` delete what is past its keep time, in
chunks; new rows stay, and tasks that are queued or running never go, however old."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meldpunt.escalation import retention
from meldpunt.escalation.models import ScheduledRun, WorkerBeat
from meldpunt.escalation.scheduler import JOBS, tick
from meldpunt.escalation.tasks import prune, requeue_orphans

pytestmark = pytest.mark.django_db
NOW = timezone.now()
OLD = NOW - timedelta(days=40)
RECENT = NOW - timedelta(days=2)


def _task(status: str, finished_at=None, enqueued_at=OLD) -> str:
    result = requeue_orphans.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished_at, enqueued_at=enqueued_at)
    return str(result.id)


def _session(expires) -> str:
    store = SessionStore()
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=expires)
    return store.session_key


def _attempt(at, ip: str) -> None:
    AccessAttempt.objects.create(username="x", ip_address=ip, user_agent="t", get_data="", post_data="",
                                 http_accept="", path_info="/login/", failures_since_start=1)
    AccessAttempt.objects.filter(ip_address=ip).update(attempt_time=at)


def _rows():
    """One old and one recent row of every kind, plus old tasks that are still to run."""
    rows = {
        "old_done": _task("SUCCESSFUL", OLD), "old_failed": _task("FAILED", OLD),
        "new_done": _task("SUCCESSFUL", RECENT),
        "old_ready": _task("READY"), "old_running": _task("RUNNING"),
        "old_session": _session(NOW - timedelta(hours=1)), "live_session": _session(NOW + timedelta(days=1)),
    }
    ScheduledRun.objects.create(job="alert-scan", slot=OLD)
    ScheduledRun.objects.create(job="alert-scan", slot=RECENT)
    _attempt(OLD, "10.0.0.1")
    _attempt(RECENT, "10.0.0.2")
    AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t", http_accept="", path_info="/")
    AccessLog.objects.update(attempt_time=OLD)
    WorkerBeat.objects.create(worker_id="dead", host="h", pid=1, started_at=OLD, seen_at=OLD)
    WorkerBeat.objects.create(worker_id="live", host="h", pid=2, started_at=OLD, seen_at=NOW)
    return rows


def test_old_rows_go_new_rows_stay_and_unfinished_tasks_never_go():
    rows = _rows()
    assert retention.count() == {"task_results": 2, "schedule_rows": 1, "login_attempts": 2,
                                 "worker_beats": 1, "sessions": 1}
    deleted = retention.prune(chunk=1)
    assert deleted == {"task_results": 2, "schedule_rows": 1, "login_attempts": 2, "worker_beats": 1, "sessions": 1}
    assert set(DBTaskResult.objects.values_list("id", flat=True).iterator()) == {
        DBTaskResult.objects.get(pk=rows[k]).pk for k in ("new_done", "old_ready", "old_running")}
    assert list(ScheduledRun.objects.values_list("slot", flat=True)) == [RECENT]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]
    assert not AccessLog.objects.exists()
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["live"]
    assert list(Session.objects.values_list("session_key", flat=True)) == [rows["live_session"]]
    assert retention.prune() == dict.fromkeys(retention.KINDS, 0)


def test_deletes_in_chunks_and_reports_each(settings):
    for n in range(7):
        _task("SUCCESSFUL", OLD - timedelta(minutes=n))
    seen = []
    retention.prune(chunk=3, on_progress=lambda p: seen.append((p.kind, p.deleted)))
    assert [d for kind, d in seen if kind == "task_results"] == [3, 6, 7]
    assert not DBTaskResult.objects.exists()


def test_keep_days_come_from_settings(settings):
    settings.MELDPUNT_KEEP_DAYS = {**settings.MELDPUNT_KEEP_DAYS, "task_results": 1}
    _task("SUCCESSFUL", RECENT)
    assert retention.prune()["task_results"] == 1


def test_a_jobs_current_slot_stays_whatever_the_setting(settings):
    settings.MELDPUNT_KEEP_DAYS = dict.fromkeys(retention.KINDS, 0)
    now = timezone.now()
    tick(now)
    retention.prune()
    assert set(ScheduledRun.objects.values_list("job", flat=True)) >= {"alert-scan", "prune"}
    assert tick(now) == []  # nothing enqueued twice


def test_the_command_shows_counts_progress_and_totals():
    _rows()
    out = StringIO()
    call_command("prune", "--dry-run", stdout=out)
    assert "task_results: 2 to go (kept 30 days)" in out.getvalue() and "Dry run: 7 rows would go." in out.getvalue()
    assert DBTaskResult.objects.count() == 5
    out = StringIO()
    call_command("prune", "--chunk", "1", stdout=out)
    text = out.getvalue()
    assert "all kinds" in text and "left" in text
    assert "Done in" in text and "2 task_results, 1 schedule_rows, 2 login_attempts, 1 worker_beats, 1 sessions" in text
    assert DBTaskResult.objects.count() == 3


def test_the_scheduler_runs_prune_daily():
    job = next(job for job in JOBS if job.name == "prune")
    assert job.task == "meldpunt.escalation.tasks.prune" and job.every == timedelta(days=1)
    assert job.slot(datetime(2026, 3, 1, 17, 5, tzinfo=UTC)) == datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_the_prune_task_through_the_worker_leaves_its_own_running_row():
    _task("SUCCESSFUL", OLD)
    result = prune.enqueue()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value["task_results"] == 1
    assert list(DBTaskResult.objects.values_list("id", flat=True)) == [DBTaskResult.objects.get(pk=result.id).pk]
