"""GET /health/: 200 when every part works, 503 for each part that does not, nothing secret."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone

from meldpunt.escalation.models import ScheduledRun, WorkerBeat
from meldpunt.intake.models import Mailbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def all_well():
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="w1", host="web-1", pid=10, started_at=now - timedelta(hours=1), seen_at=now)
    ScheduledRun.objects.create(job="alert-scan", slot=now.replace(second=0, microsecond=0))
    ScheduledRun.objects.create(job="alert-sweep", slot=now - timedelta(days=3))  # a slow job's old slot is fine
    box = Mailbox.objects.create(vendor="erpm", name="Support", host="imap.secret-host.test", username="desk-user",
                                 password="hunter2-secret", reply_address="support@example.com",
                                 last_polled_at=now - timedelta(seconds=30),
                                 last_error="LOGIN failed for desk-user", last_error_at=now - timedelta(hours=2))
    Mailbox.objects.create(vendor="erpm", name="Old", host="h", username="u", password="p",
                           reply_address="old@example.com", active=False)  # inactive: not judged
    return {"now": now, "mailbox": box}


def _get(path="/health/"):
    response = Client().get(path)
    return response, response.json()


def test_all_well_is_200_and_tells_no_secret(all_well):
    response, body = _get()
    assert response.status_code == 200, body
    assert body["ok"] is True
    assert body["database"] == {"ok": True}
    assert body["migrations"] == {"ok": True, "pending": 0}
    assert body["worker"]["ok"] and 0 <= body["worker"]["age_seconds"] < 60
    assert body["scheduler"]["ok"] and body["scheduler"]["job"] == "alert-scan"
    assert [(m["name"], m["ok"], m["last_poll_failed"]) for m in body["mailboxes"]] == [("Support", True, False)]
    assert response["Cache-Control"].startswith("max-age=0")
    text = response.content.decode()
    for secret in ("hunter2", "secret-host", "desk-user", "LOGIN failed"):
        assert secret not in text


def test_no_login_needed_and_only_get(all_well):
    assert Client().post("/health/").status_code == 405


def test_worker_beat_too_old_is_503(all_well, settings):
    WorkerBeat.objects.update(seen_at=all_well["now"] - timedelta(seconds=settings.MELDPUNT_HEALTH_WORKER_SECONDS + 5))
    response, body = _get()
    assert response.status_code == 503
    assert body["ok"] is False and body["worker"]["ok"] is False
    assert body["scheduler"]["ok"] and body["database"]["ok"]


def test_no_worker_at_all_is_503(all_well):
    WorkerBeat.objects.all().delete()
    response, body = _get()
    assert response.status_code == 503
    assert body["worker"] == {"ok": False, "last_beat": None, "age_seconds": None,
                              "limit_seconds": body["worker"]["limit_seconds"], "alive": 0, "expected": 1}
    assert body["down"] == ["worker"]


def test_fewer_workers_alive_than_the_desk_runs_is_503_and_says_so(all_well, settings):
    settings.MELDPUNT_HEALTH_WORKERS = 2
    response, body = _get()
    assert response.status_code == 503 and body["down"] == ["worker"]
    assert body["worker"]["ok"] is False and (body["worker"]["alive"], body["worker"]["expected"]) == (1, 2)
    now = all_well["now"]
    WorkerBeat.objects.create(worker_id="w2", host="web-2", pid=11, started_at=now, seen_at=now - timedelta(hours=1))
    assert _get()[1]["worker"]["alive"] == 1  # a beat older than the limit is a dead worker
    WorkerBeat.objects.filter(worker_id="w2").update(seen_at=timezone.now())
    response, body = _get()
    assert response.status_code == 200 and body["down"] == [] and body["worker"]["alive"] == 2


def test_scheduler_slot_too_old_is_503(all_well, settings):
    settings.MELDPUNT_HEALTH_SCHEDULER_SECONDS = 60
    ScheduledRun.objects.filter(job="alert-scan").update(slot=all_well["now"] - timedelta(minutes=5))
    response, body = _get()
    assert response.status_code == 503
    assert body["scheduler"]["ok"] is False and body["scheduler"]["age_seconds"] >= 300
    assert body["worker"]["ok"]


def test_mailbox_not_polled_lately_is_503(all_well, settings):
    Mailbox.objects.filter(pk=all_well["mailbox"].pk).update(
        last_polled_at=all_well["now"] - timedelta(seconds=settings.MELDPUNT_HEALTH_MAILBOX_SECONDS + 60))
    response, body = _get()
    assert response.status_code == 503
    assert body["mailboxes"][0]["ok"] is False and body["mailboxes"][0]["last_poll_failed"] is False


def test_mailbox_never_polled_is_503(all_well):
    Mailbox.objects.filter(pk=all_well["mailbox"].pk).update(last_polled_at=None, last_error_at=None)
    response, body = _get()
    assert response.status_code == 503 and body["mailboxes"][0]["last_poll"] is None


def test_mailbox_whose_last_poll_failed_is_503_until_a_good_poll(all_well):
    box = all_well["mailbox"]
    failed = all_well["now"] - timedelta(seconds=10)
    Mailbox.objects.filter(pk=box.pk).update(last_polled_at=failed, last_error_at=failed, last_error="timeout")
    response, body = _get()
    assert response.status_code == 503
    assert body["mailboxes"][0]["last_poll_failed"] is True
    Mailbox.objects.filter(pk=box.pk).update(last_polled_at=failed + timedelta(seconds=5))  # the next poll went well
    assert _get()[0].status_code == 200


def test_a_pending_migration_is_503(all_well):
    # The newest applied migration of one app is forgotten (rolled back with the test).
    MigrationRecorder.Migration.objects.filter(app="escalation").order_by("-id").first().delete()
    response, body = _get()
    assert response.status_code == 503
    assert body["migrations"] == {"ok": False, "pending": 1}


def test_web_scope_judges_only_what_a_web_host_needs(all_well):
    WorkerBeat.objects.all().delete()
    ScheduledRun.objects.all().delete()
    response, body = _get("/health/?scope=web")
    assert response.status_code == 200, body
    assert set(body) == {"checked_at", "database", "migrations", "ok", "down"}
    assert _get()[0].status_code == 503
