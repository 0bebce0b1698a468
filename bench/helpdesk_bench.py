"""Ticket creation through the REST API: Meldpunt against django-helpdesk (issue 9, goal >= 3x).

Run: ``scripts/with-postgres .venv/bin/python bench/helpdesk_bench.py`` (``make bench`` does).

Both products run on the same throwaway PostgreSQL server, each in its own database, behind
the same server with the same settings: gunicorn, ``--workers 2`` sync workers, no access
log, error log at ``warning``, DEBUG off, Django's default password hashers and logging,
persistent database connections (CONN_MAX_AGE 60), mail to Django's file backend. The peer
is django-helpdesk (pinned in ``bench/helpdesk/requirements.txt``) with its DRF API at
``/api/tickets/`` and DRF token auth; it lives in its own venv (``var/bench/helpdesk-venv``,
made here with the Python of ``scripts/find-python``) because it does not support Meldpunt's
Django 6.1. Meldpunt's API is ``POST /api/tickets`` with a bearer token of a customer contact
(the demo's coordinator ``jan`` on an ERP.M agreement).

One load generator for both: ``--concurrency`` threads, each with its own ``http.client``
connection (gunicorn's sync workers close it after every response, for both alike), the
same number of tickets each, in ``--rounds`` interleaved rounds whose order alternates, so
load from other processes on the machine hits both alike. Every answer must be 201, and the
ticket counts in both databases are checked afterwards.

Not the same work: per ticket Meldpunt also decides the priority from the agreement's
catalog, writes two SLA clock rows computed on the right business calendar, an event-log
row, and marks the request's follow-up pending in the same transaction; the worker
assesses the request for triage (completeness, coverage), writes the confirmation in the
contact's language to the outbox and sends it. django-helpdesk writes the ticket and a
follow-up and sends its "new ticket" mail to the submitter inside the request (to the file
backend here).

Three parts, one run:

1. The request only: no worker runs during the timed rounds; the follow-ups wait in the queue.
2. Those queued follow-ups, by ``--follow-up-workers`` real ``meldpunt worker`` processes that
   send through SMTP to a sink (aiosmtpd) in this process, until every confirmation reached
   it; then every ticket is checked for its assessment and exactly one confirmation, sent.
3. End to end (issue 17 item 6), workers running: ``--e2e`` tickets each in interleaved
   rounds. A Meldpunt round ends when every confirmation of it reached the sink, a
   django-helpdesk round when its last create answered. Printed: CPU per fully processed
   ticket of every process (web, worker, PostgreSQL) and the throughput to that point, each
   as a ratio.

Honest counting (issue 17 item 7): CPU is read from /proc for process trees, each root's own
time plus the time of children it reaped, so gunicorn workers and PostgreSQL backends that
ended during the run count. PostgreSQL is this benchmark's own server only (the tree of the
postmaster behind DATABASE_URL), never other servers on a shared machine. Latency percentiles
cover every create, the cold warm-up ones included. ``make bench`` runs PostgreSQL with fsync
and synchronous commit on (MELDPUNT_PG_DURABLE=1), as production does; the first line printed
says which settings the server had.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

# The production profile wants a real secret key (DEBUG is off in the benchmarks).
BENCH_SECRET_KEY = "bench-only-" + "k3y-f0r-the-benchmarks-which-sign-nothing-of-value"
BENCH_FIELD_KEY = "YmVuY2gtb25seS1maWVsZC1rZXktb2YtMzItYnl0ZXM="  # MELDPUNT_FIELD_KEY: 32 bytes, URL-safe base64

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import helpdesk_peer as peer  # noqa: E402  (bench/)
from processes import cpu_snapshot, durability, free_port, postmaster_pid, stop_process_group, tree_cpu  # noqa: E402  (bench/)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings")
os.environ["MELDPUNT_DEBUG"] = "0"
os.environ.setdefault("MELDPUNT_SECRET_KEY", BENCH_SECRET_KEY)
os.environ.setdefault("MELDPUNT_FIELD_KEY", BENCH_FIELD_KEY)
os.environ.setdefault("MELDPUNT_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")  # django.test.Client in process

GOAL = 3.0
VAR = ROOT / "var" / "bench"
HELPDESK_DIR = peer.HELPDESK_DIR
HELPDESK_VENV = VAR / "helpdesk-venv"
MELDPUNT_DB, HELPDESK_DB = "bench_api_meldpunt", "bench_api_helpdesk"
AGREEMENT = "ERPM-2026-0042"  # the demo's ERP.M Medium + Premium agreement of Bakkerij De Vries


def log(text: str = "") -> None:
    print(text, flush=True)


# ------------------------------------------------------------------ the peer's venv
def helpdesk_python() -> Path:
    """The helpdesk venv's Python (bench/helpdesk_peer.py makes and fills it when needed)."""
    try:
        return peer.helpdesk_python(HELPDESK_VENV, log)
    except peer.PeerError as exc:
        sys.exit(str(exc))


def helpdesk_step(python: Path, env: dict, *args: str) -> dict:
    try:
        return peer.helpdesk_step(python, env, *args)
    except peer.PeerError as exc:
        sys.exit(str(exc))


# ------------------------------------------------------------------ databases and servers
def database_url(base: str, name: str) -> str:
    return urlunparse(urlparse(base)._replace(path="/" + name))


def fresh_databases(base: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        for name in (MELDPUNT_DB, HELPDESK_DB):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')


clean_env = peer.clean_env


class Server(peer.Server):
    """gunicorn with the same flags for both products (bench/helpdesk_peer.py); a failure to
    start ends the benchmark with its one line."""

    def __init__(self, name: str, gunicorn: Path, app: str, env: dict, workers: int, cwd: Path):
        super().__init__(name, gunicorn, app, env, workers, cwd, VAR / f"{name}-gunicorn.log")

    def start(self, probe: str) -> None:
        try:
            super().start(probe)
        except peer.PeerError as exc:
            sys.exit(str(exc))


# ------------------------------------------------------------------ the load generator
#: The benchmark's own PostgreSQL server (set in main): its CPU is the postmaster's tree only,
#: never the other servers on a shared machine.
POSTMASTER = 0


def cpu_seconds(server: Server | None, workers: list[subprocess.Popen] = ()) -> dict[str, float]:
    """CPU time used so far: the product's server (gunicorn's master and every worker it
    forked, ended ones included), Meldpunt's ``meldpunt worker`` processes, the benchmark's own
    PostgreSQL server (its postmaster and every backend, ended ones included), and this load
    generator (its own threads, the SMTP sink among them); from /proc (Linux)."""
    snapshot = cpu_snapshot()
    return {
        "server": tree_cpu(server.proc.pid, snapshot) if server is not None and server.proc is not None else 0.0,
        "worker": sum(tree_cpu(w.pid, snapshot) for w in workers),
        "postgres": tree_cpu(POSTMASTER, snapshot),
        "client": snapshot[os.getpid()][1],
    }


def cpu_delta(before: dict, after: dict) -> dict:
    return {part: after[part] - before[part] for part in before}


class Product:
    def __init__(self, name: str, server: Server, path: str, auth: str, make_body):
        self.name, self.server, self.path, self.make_body = name, server, path, make_body
        self.headers = {"Authorization": auth, "Content-Type": "application/json", "Accept": "application/json"}
        self.elapsed, self.latencies, self.sent = 0.0, [], 0
        self.cpu = {"server": 0.0, "worker": 0.0, "postgres": 0.0, "client": 0.0}

    def run(self, count: int, concurrency: int, timed: bool = True) -> None:
        """``count`` creates; ``timed`` ones count towards rate and CPU. Every answer's latency
        counts towards the percentiles, the cold first ones (warm-up) included."""
        bodies = iter([json.dumps(self.make_body(self.sent + i)).encode() for i in range(count)])
        self.sent += count
        lock, latencies, errors = threading.Lock(), [], []

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
            try:
                while True:
                    with lock:
                        body = next(bodies, None)
                    if body is None or errors:
                        return
                    t0 = time.perf_counter()
                    conn.request("POST", self.path, body, self.headers)
                    response = conn.getresponse()
                    data = response.read()
                    latencies.append(time.perf_counter() - t0)
                    if response.status != 201:
                        errors.append(f"HTTP {response.status}: {data[:400]!r}")
            except OSError as exc:
                errors.append(repr(exc))
            finally:
                conn.close()

        threads = [threading.Thread(target=client) for _ in range(concurrency)]
        cpu0 = cpu_seconds(self.server)
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        cpu1 = cpu_seconds(self.server)
        if errors:
            sys.exit(f"{self.name}: create failed: {errors[0]} (server log: {self.server.log_path})")
        self.latencies += latencies
        if timed:
            self.elapsed += elapsed
            for part, used in cpu_delta(cpu0, cpu1).items():
                self.cpu[part] += used

    def rate(self, timed_count: int) -> float:
        return timed_count / self.elapsed

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# ------------------------------------------------------------------ Meldpunt in process
def meldpunt_setup() -> str:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_catalogs", verbosity=0)
    call_command("load_demo", force=True, verbosity=0)  # the demo desk on DEBUG off: a throwaway database
    from django.contrib.auth import get_user_model

    from meldpunt.api.models import ApiToken

    _, raw = ApiToken.issue(get_user_model().objects.get(username="jan"), "bench")
    return raw


def meldpunt_counts() -> dict:
    from django_tasks_db.models import DBTaskResult

    from meldpunt.tickets.models import Clock, Ticket

    return {"tickets": Ticket.objects.count(), "clocks": Clock.objects.count(),
            "tasks": DBTaskResult.objects.filter(status="READY").count()}


class Sink:
    """An SMTP server (aiosmtpd) in this process that counts the confirmations reaching it
    (mail marked ``Auto-Submitted: auto-replied``, as the outbox marks confirmations), per
    recipient; other mail is left out of the count."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.lock, self.received = threading.Lock(), {}
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        head = envelope.original_content.split(b"\r\n\r\n", 1)[0].lower()
        if b"\nauto-submitted: auto-replied" not in head:
            return "250 OK"
        with self.lock:
            for to in envelope.rcpt_tos:
                self.received[to.lower()] = self.received.get(to.lower(), 0) + 1
        return "250 OK"

    def count(self, to: str) -> int:
        with self.lock:
            return self.received.get(to.lower(), 0)

    def stop(self) -> None:
        self.controller.stop()


def start_workers(n: int, env: dict) -> list[subprocess.Popen]:
    """``n`` ``meldpunt worker`` processes, as production runs them (default options)."""
    workers = []
    for i in range(n):
        with open(VAR / f"meldpunt-worker-{i}.log", "wb") as out:
            workers.append(subprocess.Popen([str(ROOT / ".venv" / "bin" / "meldpunt"), "worker"], env=env, cwd=ROOT,
                                            stdout=out, stderr=out, start_new_session=True))
    return workers


def wait_for_mail(sink: Sink, to: str, target: int, workers: list[subprocess.Popen], limit: float = 3600) -> None:
    """Until ``target`` confirmations to ``to`` reached the sink; every worker must stay alive."""
    deadline = time.monotonic() + limit
    while sink.count(to) < target:
        dead = [w for w in workers if w.poll() is not None]
        if dead or time.monotonic() > deadline:
            sys.exit(f"confirmations: {sink.count(to)} of {target} reached the SMTP sink; "
                     f"{'a worker exited, see ' + str(VAR) + '/meldpunt-worker-*.log' if dead else 'timed out'}")
        time.sleep(0.02)


def meldpunt_pending_confirmations() -> dict[str, int]:
    """Per contact address, the tickets that have no confirmation sent yet."""
    from collections import Counter

    from meldpunt.intake.models import OutboundMail
    from meldpunt.tickets.models import Ticket

    sent = OutboundMail.objects.filter(kind="confirmation", sent_at__isnull=False).values("ticket")
    return dict(Counter(Ticket.objects.filter(contact__isnull=False).exclude(pk__in=sent)
                        .values_list("contact__email", flat=True)))


def meldpunt_check_follow_ups() -> int:
    """Every ticket assessed, every ticket with a contact exactly one confirmation, written
    and sent: the work the API's requests left to the worker. Returns the confirmations."""
    from django.db.models import Count

    from meldpunt.intake.models import OutboundMail
    from meldpunt.tickets.models import Ticket

    confirmations = OutboundMail.objects.filter(kind="confirmation")
    deadline = time.monotonic() + 60  # a mail reaches the sink just before its worker commits sent_at
    while time.monotonic() < deadline and (
            confirmations.filter(sent_at__isnull=True).exists()
            or Ticket.objects.filter(contact__isnull=False).exclude(outbound_mails__kind="confirmation").exists()):
        time.sleep(0.2)
    sent = confirmations.filter(sent_at__isnull=False).count()
    unconfirmed = Ticket.objects.filter(contact__isnull=False).exclude(outbound_mails__kind="confirmation").count()
    twice = confirmations.values("ticket").annotate(n=Count("id")).filter(n__gt=1).count()
    unassessed = Ticket.objects.filter(assessment__isnull=True).count()
    if unconfirmed or twice or sent != confirmations.count() or unassessed:
        unsent = list(confirmations.filter(sent_at__isnull=True).values_list("ticket_id", "to", "attempts", "last_error")[:5])
        sys.exit(f"confirmations: {unconfirmed} tickets without, {twice} with two, "
                 f"{confirmations.count() - sent} not sent {unsent}; {unassessed} tickets not assessed")
    return sent


def meldpunt_body(i: int) -> dict:
    return {"subject": f"Invoices do not post {i}", "description": "Error itgen-1234 on posting", "kind": "incident",
            "agreement": AGREEMENT, "impact": "organisation", "urgency": "high"}


def helpdesk_body(queue: int):
    def body(i: int) -> dict:  # the same fields as bench/helpdesk/bench_setup.py body()
        return {"queue": queue, "title": f"Invoices do not post {i}", "description": "Error itgen-1234 on posting",
                "submitter_email": "jan@devries.test", "priority": 2}
    return body


def meldpunt_in_process(token: str, n: int, profile: bool) -> dict:
    """SQL queries and median time of one create, in process (django.test.Client), and a cProfile."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    times, queries = [], 0
    for i in range(n):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.post("/api/tickets", json.dumps(meldpunt_body(i)), content_type="application/json")
            times.append(time.perf_counter() - t0)
        if response.status_code != 201:
            sys.exit(f"Meldpunt in-process create answered {response.status_code}: {response.content[:400]!r}")
        queries = len(ctx.captured_queries)
    result = {"queries": queries, "ms": statistics.median(times) * 1000}
    if profile:
        log(f"\nThe {queries} SQL statements of one Meldpunt create:")
        for q in ctx.captured_queries:
            log("  " + " ".join(q["sql"].split())[:150])
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(n):
            client.post("/api/tickets", json.dumps(meldpunt_body(i)), content_type="application/json")
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs = lambda: stats  # keep paths: src/meldpunt vs site-packages
        log(f"\ncProfile of {n} in-process Meldpunt creates: Meldpunt's own functions by cumulative time")
        stats.sort_stats("cumulative").print_stats(r"src/meldpunt", 30)
        log(f"cProfile of {n} in-process Meldpunt creates: everything by own time")
        stats.sort_stats("tottime").print_stats(15)
    return result


# ------------------------------------------------------------------ main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=int(os.environ.get("HELPDESK_BENCH_TICKETS", 2000)),
                        help="timed tickets per product (default 2000)")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per product (default 2)")
    parser.add_argument("--warmup", type=int, default=40, help="untimed creates per product first (default 40)")
    parser.add_argument("--follow-up-workers", type=int, default=2, help="`meldpunt worker` processes (default 2)")
    parser.add_argument("--e2e", type=int, default=int(os.environ.get("HELPDESK_BENCH_E2E", 1000)),
                        help="tickets per product end to end, workers running (default 1000; 0 leaves it out)")
    parser.add_argument("--e2e-rounds", type=int, default=4, help="interleaved end-to-end rounds (default 4)")
    parser.add_argument("--profile", action="store_true", help="also cProfile Meldpunt's create in process")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("this benchmark needs PostgreSQL: run it through scripts/with-postgres")
    VAR.mkdir(parents=True, exist_ok=True)
    global POSTMASTER
    POSTMASTER = postmaster_pid(base)
    log(durability(base))
    log(f"API creation benchmark: Meldpunt vs django-helpdesk, {args.tickets:,} tickets each in {args.rounds} "
        f"interleaved rounds, {args.concurrency} client threads, gunicorn {args.workers} sync workers each")

    python = helpdesk_python()
    fresh_databases(base)
    meldpunt_url, helpdesk_url = database_url(base, MELDPUNT_DB), database_url(base, HELPDESK_DB)

    meldpunt_data, helpdesk_data = VAR / "api-meldpunt-data", VAR / "api-helpdesk-data"
    for data in (meldpunt_data, helpdesk_data):
        shutil.rmtree(data, ignore_errors=True)
        (data / "static").mkdir(parents=True)
    os.environ.update(DATABASE_URL=meldpunt_url, MELDPUNT_DATA=str(meldpunt_data),
                      MELDPUNT_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend")
    t0 = time.perf_counter()
    token = meldpunt_setup()
    helpdesk_env = clean_env(DATABASE_URL=helpdesk_url, DJANGO_SETTINGS_MODULE="settings",
                             HELPDESK_BENCH_DATA=str(helpdesk_data))
    peer = helpdesk_step(python, helpdesk_env, "setup")
    log(f"  set up both databases in {time.perf_counter() - t0:.1f} s (migrate; Meldpunt catalogs + demo; "
        f"helpdesk queue + staff user; a token each); django-helpdesk runs on Django {peer['django']}")

    meldpunt_env = clean_env(DATABASE_URL=meldpunt_url, DJANGO_SETTINGS_MODULE="meldpunt.settings", MELDPUNT_DEBUG="0", MELDPUNT_SECRET_KEY=BENCH_SECRET_KEY, MELDPUNT_FIELD_KEY=BENCH_FIELD_KEY,
                             PYTHONPATH=str(ROOT / "src"),
                             MELDPUNT_DATA=str(meldpunt_data),
                             MELDPUNT_API_RATE="1000000/min",  # counted as always, never reached by the load
                             MELDPUNT_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend")
    servers = [
        Server("meldpunt", ROOT / ".venv" / "bin" / "gunicorn", "meldpunt.wsgi:application", meldpunt_env, args.workers, ROOT),
        Server("helpdesk", HELPDESK_VENV / "bin" / "gunicorn", "wsgi:application", helpdesk_env, args.workers, HELPDESK_DIR),
    ]
    ours = Product("Meldpunt", servers[0], "/api/tickets", f"Bearer {token}", meldpunt_body)
    theirs = Product("django-helpdesk", servers[1], "/api/tickets/", f"Token {peer['token']}", helpdesk_body(peer["queue"]))
    before_ours = meldpunt_counts()
    before_theirs = helpdesk_step(python, helpdesk_env, "count")
    sink = Sink()
    worker_env = {**meldpunt_env, "MELDPUNT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                  "MELDPUNT_SMTP_HOST": "127.0.0.1", "MELDPUNT_SMTP_PORT": str(sink.port)}
    workers: list[subprocess.Popen] = []
    e2e: dict[str, dict] = {}
    try:
        servers[0].start("/api/openapi.json")
        servers[1].start("/api/")
        # 1. Requests only: no worker runs; the follow-ups wait in the queue.
        for product in (ours, theirs):
            product.run(args.warmup, args.concurrency, timed=False)
        per_round = [args.tickets // args.rounds + (1 if r < args.tickets % args.rounds else 0) for r in range(args.rounds)]
        for r, count in enumerate(per_round):
            for product in (ours, theirs) if r % 2 == 0 else (theirs, ours):
                product.run(count, args.concurrency)
            log(f"  round {r + 1}/{args.rounds}: Meldpunt {ours.sent - args.warmup:,}, helpdesk {theirs.sent - args.warmup:,} created")
        counts = check_counts(python, helpdesk_env, helpdesk_data, before_ours, before_theirs, args.tickets + args.warmup)

        # 2. The queued follow-ups, by real workers, until every confirmation reached the SMTP sink.
        waiting = meldpunt_pending_confirmations()
        pending = sum(waiting.values())
        workers = start_workers(args.follow_up_workers, worker_env)
        cpu0, t0 = cpu_seconds(None, workers), time.perf_counter()
        for address, count in waiting.items():
            wait_for_mail(sink, address, count, workers)
        drained_s, drained_cpu = time.perf_counter() - t0, cpu_delta(cpu0, cpu_seconds(None, workers))
        sent = meldpunt_check_follow_ups()
        log(f"  {args.follow_up_workers} `meldpunt worker` processes then assessed the {counts['ours']:,} requests and "
            f"wrote and sent {pending:,} confirmations to the SMTP sink in {drained_s:.1f} s: {pending / drained_s:,.0f}/s, "
            f"{(drained_cpu['worker'] + drained_cpu['postgres']) / pending * 1000:.2f} ms CPU each (workers + PostgreSQL); "
            f"{sent:,} confirmations sent in all, each once")

        # 3. End to end, workers running: Meldpunt until every confirmation reached the sink.
        if args.e2e:
            e2e = end_to_end(ours, theirs, sink, workers, args)
            meldpunt_check_follow_ups()
    finally:
        for server in servers:
            server.stop()
        for worker in workers:
            stop_process_group(worker)
        sink.stop()

    # Per request, in process (no HTTP, no concurrency): SQL queries and median time of one create.
    n = 30
    ours_in = meldpunt_in_process(token, n, args.profile)
    theirs_in = helpdesk_step(python, helpdesk_env, "queries", str(n))

    rate_ours, rate_theirs = ours.rate(args.tickets), theirs.rate(args.tickets)
    ratio = rate_ours / rate_theirs
    log()
    log("1. The request only (no worker runs); percentiles over every create, the cold warm-up ones included:")
    log(f"{'product':34} {'tickets/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'SQL/create':>11} {'in-process ms':>14}")
    for name, product, inproc in (("Meldpunt POST /api/tickets", ours, ours_in),
                                  ("django-helpdesk POST /api/tickets/", theirs, theirs_in)):
        log(f"{name:34} {product.rate(args.tickets):10,.1f} {product.pct(0.5):8.1f} {product.pct(0.95):8.1f} "
            f"{inproc['queries']:11d} {inproc['ms']:14.1f}")
    log()
    log(f"CPU per ticket, ms (the machine's {os.cpu_count()} cores are shared by all; PostgreSQL = this benchmark's server):")
    log(f"{'product':34} {'server':>8} {'PostgreSQL':>11} {'client':>8} {'total':>8}")
    for name, product in (("Meldpunt", ours), ("django-helpdesk", theirs)):
        parts = {part: used / args.tickets * 1000 for part, used in product.cpu.items()}
        log(f"{name:34} {parts['server']:8.2f} {parts['postgres']:11.2f} {parts['client']:8.2f} "
            f"{parts['server'] + parts['postgres'] + parts['client']:8.2f}")
    log()
    log("Not the same work per ticket: Meldpunt also sets the priority from the contract's catalog, writes two SLA")
    log("clocks on the right business calendar, an event-log row and enqueues the follow-up: its worker assesses")
    log("the request for triage and writes and sends the confirmation (part 2); django-helpdesk writes")
    log("ticket + follow-up and sends its new-ticket mail in the request (file backend).")
    log(f"ratio Meldpunt / django-helpdesk, request only: {ratio:.2f}x")
    log(f"goal >= {GOAL:.0f}x: {'PASS' if ratio >= GOAL else 'MISS'}")
    if e2e:
        report_end_to_end(e2e, args)


JAN = "jan@devries.test"  # the demo coordinator whose token registers: every confirmation goes to jan


def check_counts(python, helpdesk_env, helpdesk_data, before_ours, before_theirs, expected) -> dict:
    after_ours = meldpunt_counts()
    after_theirs = helpdesk_step(python, helpdesk_env, "count")
    made_ours = after_ours["tickets"] - before_ours["tickets"]
    made_theirs = after_theirs["tickets"] - before_theirs["tickets"]
    mails = sum(f.read_bytes().count(b"\nMessage-ID: ") for f in (helpdesk_data / "mail").glob("*"))
    log(f"  Meldpunt database: +{made_ours:,} tickets, +{after_ours['clocks'] - before_ours['clocks']:,} clock rows, "
        f"+{after_ours['tasks'] - before_ours['tasks']:,} follow-up tasks queued (no worker runs meanwhile)")
    log(f"  helpdesk database: +{made_theirs:,} tickets, +{after_theirs['followups'] - before_theirs['followups']:,} "
        f"follow-ups; {mails:,} new-ticket mails written by the file backend")
    if made_ours != expected or made_theirs != expected:
        sys.exit(f"ticket counts do not match: Meldpunt {made_ours}, helpdesk {made_theirs}, expected {expected} each")
    return {"ours": made_ours, "theirs": made_theirs}


def end_to_end(ours: Product, theirs: Product, sink: Sink, workers: list[subprocess.Popen], args) -> dict:
    """``--e2e`` tickets each in interleaved rounds, with the workers running. Meldpunt's round
    ends when every confirmation of it reached the SMTP sink; django-helpdesk's when its last
    create answered (its mail is sent inside the request). CPU of every process counted."""
    totals = {name: {"seconds": 0.0, "tickets": 0, "cpu": dict.fromkeys(("server", "worker", "postgres", "client"), 0.0)}
              for name in ("ours", "theirs")}
    rounds = max(1, args.e2e_rounds)
    for r in range(rounds):
        count = args.e2e // rounds + (1 if r < args.e2e % rounds else 0)
        for name in ("ours", "theirs") if r % 2 == 0 else ("theirs", "ours"):
            product = ours if name == "ours" else theirs
            target = sink.count(JAN) + count
            cpu0, t0 = cpu_seconds(product.server, workers if name == "ours" else []), time.perf_counter()
            product.run(count, args.concurrency, timed=False)
            if name == "ours":
                wait_for_mail(sink, JAN, target, workers)
            totals[name]["seconds"] += time.perf_counter() - t0
            totals[name]["tickets"] += count
            for part, used in cpu_delta(cpu0, cpu_seconds(product.server, workers if name == "ours" else [])).items():
                totals[name]["cpu"][part] += used
        log(f"  end to end, round {r + 1}/{rounds}: {totals['ours']['tickets']:,} each")
    return totals


def report_end_to_end(e2e: dict, args) -> None:
    log()
    log(f"2. End to end, {args.e2e:,} tickets each, {args.follow_up_workers} `meldpunt worker` processes running: Meldpunt's")
    log("   ticket created through the API, assessed and confirmed by a worker, the confirmation delivered to an SMTP")
    log("   sink; django-helpdesk's create through its API, its new-ticket mail included. CPU per ticket, ms:")
    log(f"{'product':34} {'tickets/s':>10} {'web':>8} {'worker':>8} {'PostgreSQL':>11} {'total':>8} {'(client)':>9}")
    cost = {}
    for name, label in (("ours", "Meldpunt, fully processed"), ("theirs", "django-helpdesk create")):
        t = e2e[name]
        ms = {part: used / t["tickets"] * 1000 for part, used in t["cpu"].items()}
        cost[name] = ms["server"] + ms["worker"] + ms["postgres"]
        log(f"{label:34} {t['tickets'] / t['seconds']:10,.1f} {ms['server']:8.2f} {ms['worker']:8.2f} "
            f"{ms['postgres']:11.2f} {cost[name]:8.2f} {ms['client']:9.2f}")
    cpu_ratio = cost["theirs"] / cost["ours"]
    rate_ratio = (e2e["ours"]["tickets"] / e2e["ours"]["seconds"]) / (e2e["theirs"]["tickets"] / e2e["theirs"]["seconds"])
    log("   total = web + worker + PostgreSQL (the load generator and the SMTP sink in it are left out for both)")
    log(f"ratio CPU per fully processed ticket, django-helpdesk / Meldpunt: {cpu_ratio:.2f}x  "
        f"(goal >= {GOAL:.0f}x: {'PASS' if cpu_ratio >= GOAL else 'MISS'})")
    log(f"ratio throughput to that point, Meldpunt / django-helpdesk: {rate_ratio:.2f}x  "
        f"(goal >= {GOAL:.0f}x: {'PASS' if rate_ratio >= GOAL else 'MISS'})")

if __name__ == "__main__":
    main()
