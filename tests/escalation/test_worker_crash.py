"""A worker killed mid-job: after a restart the job runs again and its work is done exactly once.

Real processes on PostgreSQL: two ``meldpunt worker`` subprocesses (django-tasks-db's
``db_worker`` with a heartbeat) share the test database with this test. Worker 1 runs the
alert scan, then hangs inside the outbox send job (staff mail) on an SMTP server that accepts and never
answers; we SIGKILL it there. Worker 2 notices the silent heartbeat, puts the job back in the
queue and delivers the mail to a real SMTP server. Each mail arrives once; nothing fires twice.

The worker shares the database through a server, so this test exists only on PostgreSQL
(``scripts/with-postgres``, CI): SQLite's test database lives in this process's memory.
It is defined, not skipped, when DATABASE_URL is set, so CI=true always runs it there.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meldpunt.escalation.models import ClockAlert
from meldpunt.escalation.tasks import scan_alerts
from meldpunt.intake.models import OutboundMail
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import assign_ticket
from tests.support import factories as f
from tests.support.servers import free_port


class Tarpit:
    """A TCP server that accepts connections and never says a word (a hung SMTP server)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.accepted.set()

    def close(self):
        for conn in self.conns:
            conn.close()
        self.sock.close()


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(smtp_port: int, tmp_path: Path, name: str) -> subprocess.Popen:
    command = shutil.which("meldpunt") or str(Path(sys.executable).with_name("meldpunt"))
    env = {
        **os.environ, "DATABASE_URL": _database_url(), "MELDPUNT_DATA": str(tmp_path),
        "MELDPUNT_SMTP_HOST": "127.0.0.1", "MELDPUNT_SMTP_PORT": str(smtp_port),
        "MELDPUNT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "MELDPUNT_WORKER_HEARTBEAT": "0.3", "MELDPUNT_WORKER_STALE": "2", "MELDPUNT_DEBUG": "0",
        "MELDPUNT_SECRET_KEY": "test-only-" + "x" * 20 + "-a-worker-in-the-production-profile",
        "MELDPUNT_FIELD_KEY": "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1sb24=",
    }
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [command, "worker", "--queue-name", "*", "--no-reload", "--no-startup-delay", "--interval", "0.2",
         "--worker-id", name],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


if os.environ.get("DATABASE_URL"):

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_a_killed_worker_s_job_runs_again_after_restart_and_its_mail_goes_out_once(tmp_path):
        assignee = f.staff_user("oncall")
        org = f.organisation()
        # resolution times hard (the preset's are indicative, never breached), so both clocks breach
        hard = f.agreement(org, "erpm", "small", version=f.erpm_with_hard_resolution())
        ticket, _ = create_ticket(NewRequest(organisation=org, agreement=hard, subject="Down",
                                             impact="organisation", urgency="high",
                                             received_at=timezone.now() - timezone.timedelta(days=3)))
        assign_ticket(ticket, assignee)
        scan = scan_alerts.enqueue()

        tarpit = Tarpit()
        first = _start_worker(tarpit.port, tmp_path, "worker-one")
        try:
            _wait(lambda: DBTaskResult.objects.get(pk=scan.id).status == "SUCCESSFUL", 60, "the alert scan")
            alerts = set(ClockAlert.objects.values_list("clock_id", "kind", "point"))
            mails = list(OutboundMail.objects.filter(kind="staff_alert").order_by("pk"))
            assert [m.to for m in mails] == ["oncall@vendor.test"] * 2  # response and resolution breached
            # Worker one is inside a mail job now, talking to a server that never answers.
            assert tarpit.accepted.wait(30), "worker one never reached the SMTP server"
            stuck = _wait(lambda: DBTaskResult.objects.filter(status="RUNNING", task_path__endswith="send_outbound_mails").first(),
                          10, "a running mail job")
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            _stop(first)
            tarpit.close()
        assert DBTaskResult.objects.get(pk=stuck.pk).status == "RUNNING"  # left behind by the dead worker
        assert OutboundMail.objects.filter(kind="staff_alert").filter(sent_at__isnull=False).count() == 0

        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=free_port())
        controller.start()
        second = _start_worker(controller.port, tmp_path, "worker-two")
        try:
            _wait(lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(), 60,
                  "worker two to finish every job")
            _wait(lambda: len(sink.messages) >= 2, 10, "two mails")
            time.sleep(1)  # a duplicate would arrive now
        finally:
            _stop(second)
            controller.stop()

        again = DBTaskResult.objects.get(pk=stuck.pk)
        assert again.status == "SUCCESSFUL" and again.worker_ids == ["worker-one", "worker-two"]
        assert len(sink.messages) == 2
        assert sorted(m.rcpt_tos[0] for m in sink.messages) == ["oncall@vendor.test"] * 2
        assert OutboundMail.objects.filter(kind="staff_alert").filter(sent_at__isnull=True).count() == 0
        assert set(OutboundMail.objects.filter(kind="staff_alert").values_list("attempts", flat=True)) == {1}  # the killed try rolled back
        assert set(ClockAlert.objects.values_list("clock_id", "kind", "point")) == alerts  # nothing fired twice
        assert not DBTaskResult.objects.filter(status="FAILED").exists()
