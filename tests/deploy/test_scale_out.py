"""Scale-out rehearsal (#18 item 9): on one PostgreSQL, two ``meldpunt serve`` processes, two
workers, two schedulers and mail intake from Dovecot sharded over two processes, under a short
load of API requests and mail; one of each is SIGKILLed mid-run and started again later.

Observed only from outside, as an operator would: the rows of the requests, the confirmations
that arrive at a real SMTP server, the IMAP flags and ``/health/``. Every request is registered
once (the API client retries a dropped request with the same Idempotency-Key, as a client
should; a mail read by two processes is registered once by its Message-ID), every request gets
one confirmation, nothing is lost, and ``/health/`` says a worker is missing (503, ``down``)
until it is back (200).

The processes share the test database through a server, so this test exists only on
PostgreSQL (``scripts/with-postgres``, CI): it is defined, not skipped, when DATABASE_URL is set
(the suite's way for such tests, see tests/escalation/test_worker_crash.py); on SQLite the test
database lives in this process's memory.
"""

from __future__ import annotations

import email
import http.client
import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from imapclient import IMAPClient

from meldpunt.contracts.models import Contact
from meldpunt.intake.models import InboundMail, Mailbox, OutboundMail
from meldpunt.tickets.models import Ticket
from tests.deploy.profile import meldpunt_command, production_env, shared_database_url
from tests.support import factories as f
from tests.support.samples import mail
from tests.support.servers import DOVECOT, free_port, start_dovecot

API_REQUESTS = 60
MAILS = 40
LOAD_SECONDS = 15
KILL_AT = 6  # seconds into the load


class Sink:
    """A real SMTP server's receiving end: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


class Desk:
    """The processes of a scaled-out desk, each in its own process group (so a SIGKILL of a
    web server takes its gunicorn workers with it, as when its host dies)."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str) -> None:
        with open(self.logs / f"{name}.log", "a") as out:
            self.procs[name] = subprocess.Popen([meldpunt_command(), *args], env=self.env, stdout=out,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self, name: str) -> None:
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait(10)

    def alive(self) -> None:
        for name, proc in self.procs.items():
            assert proc.poll() is None, f"{name} exited: {(self.logs / f'{name}.log').read_text()[-3000:]}"

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def _get(port: int, path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _wait(condition, timeout: float, what: str, desk: Desk | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if desk is not None:
            desk.alive()
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _answers(port: int) -> bool:
    try:
        return _get(port, "/health/?scope=web")[0] == 200
    except OSError:
        return False


class ApiClient:
    """Registers requests through both web servers in turn, like a load balancer; a request
    that gets no answer (its server died) is sent again to the other one with the same
    Idempotency-Key. Keeps what each request was answered."""

    def __init__(self, ports: list[int], token: str, agreement: str) -> None:
        self.ports, self.token, self.agreement = ports, token, agreement
        self.answers: dict[int, list[int]] = {}
        self.retried = 0

    def create(self, n: int) -> None:
        body = json.dumps({"subject": f"Scale request {n}", "description": f"Request number {n} of the rehearsal.",
                           "kind": "incident", "agreement": self.agreement, "impact": "organisation",
                           "urgency": "high"})
        headers = {"Host": "127.0.0.1", "Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                   "Idempotency-Key": f"scale-{n}"}
        statuses = self.answers.setdefault(n, [])
        for attempt in range(60):
            port = self.ports[(n + attempt) % len(self.ports)]
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            try:
                conn.request("POST", "/api/tickets", body, headers)
                response = conn.getresponse()
                response.read()
                statuses.append(response.status)
                if response.status in (200, 201):
                    return
                assert response.status >= 500, f"request {n}: {response.status}"
            except OSError:
                statuses.append(0)
            finally:
                conn.close()
            self.retried += 1
            time.sleep(0.2)
        raise AssertionError(f"request {n} never registered: {statuses}")

    def run(self, numbers: range, pace: float) -> None:
        for n in numbers:
            self.create(n)
            time.sleep(pace)


if os.environ.get("DATABASE_URL"):

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_a_scaled_out_desk_loses_and_doubles_nothing_when_one_of_each_process_dies(tmp_path):
        assert os.path.exists(DOVECOT), "Dovecot is not installed (apt-get install dovecot-imapd); .ci/run installs it"
        dovecot = start_dovecot()
        sink = Sink()
        smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
        smtp.start()
        imap = IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
        imap.login(dovecot.user, dovecot.password)
        folder = f"Scale{time.monotonic_ns()}"
        imap.create_folder(folder)

        org = f.organisation("Northwind", language="en")
        agreement = f.agreement(org, "invantive", "subscription")
        api_user = f.contact(org, username="northwind-api", language="en", coordinator=False)  # no quarterly report
        senders = [Contact.objects.create(organisation=org, name=f"Sender {i}", email=f"sender{i}@northwind.test",
                                          language="en") for i in range(4)]
        Mailbox.objects.create(vendor="invantive", name="support", host=dovecot.host, port=dovecot.port,
                               use_ssl=False, username=dovecot.user, password=dovecot.password, folder=folder,
                               reply_address="support@vendor.test")
        token = f.token(api_user.user)

        web_ports = [free_port(), free_port()]
        env = production_env(
            tmp_path, MELDPUNT_HTTPS="0", MELDPUNT_ALLOWED_HOSTS="127.0.0.1", DATABASE_URL=shared_database_url() or "",
            MELDPUNT_SMTP_HOST="127.0.0.1", MELDPUNT_SMTP_PORT=str(smtp.port),
            MELDPUNT_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            MELDPUNT_WORKER_HEARTBEAT="0.5", MELDPUNT_WORKER_STALE="3",
            MELDPUNT_HEALTH_WORKER_SECONDS="3", MELDPUNT_HEALTH_WORKERS="2",
        )
        keys = getattr(settings, "MELDPUNT_FIELD_KEYS", None)  # the key that sealed the mailbox password here
        if keys:  # opens it in the processes too (docs/deploy.md, Files and secrets)
            env["MELDPUNT_FIELD_KEY"] = ",".join(key.decode() for key in keys)
        desk = Desk(env, tmp_path)
        worker = ["worker", "--queue-name", "*", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
        starts = {
            **{f"web{i}": ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"] for i, port in enumerate(web_ports)},
            **{f"worker{i}": [*worker, "--worker-id", f"worker{i}"] for i in range(2)},
            **{f"scheduler{i}": ["scheduler", "--interval", "1"] for i in range(2)},
            **{f"intake{i}": ["mail_intake", "--shard", f"{i}/2", "--interval", "1"] for i in range(2)},
        }
        try:
            began = time.monotonic()
            for name, args in starts.items():
                desk.start(name, *args)
            _wait(lambda: all(_answers(port) for port in web_ports), 60, "both web servers", desk)
            _wait(lambda: _get(web_ports[1], "/health/")[0] == 200, 60, "a healthy desk", desk)
            up = time.monotonic() - began

            # The load: API requests through both web servers, and mail, for LOAD_SECONDS.
            client = ApiClient(web_ports, token, agreement.code)
            half = API_REQUESTS // 2
            pace = LOAD_SECONDS / half
            threads = [threading.Thread(target=client.run, args=(range(0, half), pace)),
                       threading.Thread(target=client.run, args=(range(half, API_REQUESTS), pace))]

            def send_mail() -> None:
                appender = IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
                appender.login(dovecot.user, dovecot.password)
                for n in range(MAILS):
                    sender = senders[n % len(senders)]
                    appender.append(folder, mail(sender=f"{sender.name} <{sender.email}>", subject=f"Scale mail {n}",
                                                 body=f"Mail number {n} of the rehearsal.",
                                                 message_id=f"<scale-{n}@northwind.test>"))
                    time.sleep(LOAD_SECONDS / MAILS)
                appender.logout()

            threads.append(threading.Thread(target=send_mail))
            started = time.monotonic()
            for thread in threads:
                thread.start()
            time.sleep(KILL_AT)
            for name in ("web0", "worker0", "scheduler0", "intake0"):  # one of each, without warning
                desk.kill(name)
            killed_at = time.monotonic()
            for thread in threads:
                thread.join(LOAD_SECONDS * 3)
                assert not thread.is_alive()
            load_took = time.monotonic() - started

            # What was down: the dead web server answers nothing, /health/ names the missing worker.
            assert not _answers(web_ports[0])
            status, health = _wait(lambda: (r := _get(web_ports[1], "/health/"))[0] == 503 and r, 10,
                                   "/health/ to notice the dead worker")
            assert "worker" in health["down"], health
            assert (health["worker"]["alive"], health["worker"]["expected"]) == (1, 2)
            assert health["database"]["ok"] and health["migrations"]["ok"]

            # The dead ones are started again (systemd's Restart=always would).
            restarted = time.monotonic()
            for name in ("web0", "worker0", "scheduler0", "intake0"):
                desk.start(name, *starts[name])
            _wait(lambda: _answers(web_ports[0]), 60, "the restarted web server", desk)
            _wait(lambda: all(_get(port, "/health/")[0] == 200 for port in web_ports), 30, "/health/ to recover", desk)
            recovered = time.monotonic() - restarted
            status, health = _get(web_ports[0], "/health/")
            assert health["down"] == [] and health["worker"]["alive"] == 2

            total = API_REQUESTS + MAILS
            _wait(lambda: Ticket.objects.count() >= total and len(sink.messages) >= total, 60,
                  "every request registered and confirmed", desk)
            print(f"scale-out: healthy {up:.1f} s after the start, load {load_took:.1f} s, {client.retried} "
                  f"API retries, recovered {recovered:.1f} s after the restart, all done {time.monotonic() - began:.1f} s")
            time.sleep(2)  # a second registration or confirmation would turn up now
            desk.alive()
            imap.select_folder(folder, readonly=True)
            assert imap.search(["NOT", "KEYWORD", "$Meldpunt"]) == []  # every mail read and flagged
            assert len(imap.search(["KEYWORD", "$Meldpunt"])) == MAILS
        finally:
            desk.stop_all()
            smtp.stop()
            imap.logout()
            dovecot.stop()

        # Every API request registered once, answered 201 (or 200 for a retried key that had
        # already registered it), and the load really did cross the kill.
        assert sorted(client.answers) == list(range(API_REQUESTS))
        assert all(statuses[-1] in (200, 201) for statuses in client.answers.values())
        assert load_took > KILL_AT and killed_at - started < load_took
        subjects = Counter(Ticket.objects.filter(channel="api").values_list("subject", flat=True))
        assert subjects == Counter({f"Scale request {n}": 1 for n in range(API_REQUESTS)})
        # Every mail registered once, and flagged in the mailbox: none is left to read.
        keys = Counter(InboundMail.objects.values_list("key", flat=True))
        assert keys == Counter({f"<scale-{n}@northwind.test>": 1 for n in range(MAILS)})
        assert set(InboundMail.objects.values_list("outcome", flat=True)) == {"created"}
        assert Counter(Ticket.objects.filter(channel="email").values_list("subject", flat=True)) == Counter(
            {f"Scale mail {n}": 1 for n in range(MAILS)})
        assert Ticket.objects.count() == API_REQUESTS + MAILS

        # Every request confirmed exactly once, at the SMTP server.
        tickets = dict(Ticket.objects.values_list("pk", "contact__email"))
        confirmations = {message_id: ticket for message_id, ticket in
                         OutboundMail.objects.filter(kind="confirmation").values_list("message_id", "ticket_id")}
        arrived = Counter()
        for envelope in sink.messages:
            message = email.message_from_bytes(envelope.content)
            ticket = confirmations.get(message["Message-ID"].strip())
            assert ticket is not None, f"not a confirmation: {message['Subject']!r} to {envelope.rcpt_tos}"
            assert envelope.rcpt_tos == [tickets[ticket]]
            arrived[ticket] += 1
        assert arrived == Counter({pk: 1 for pk in tickets}), [pk for pk, n in arrived.items() if n != 1]
