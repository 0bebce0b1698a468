"""Worker memory over a long run: ``meldpunt worker`` on real jobs vs the same worker on no-op jobs.

Run: ``scripts/with-postgres .venv/bin/python bench/worker_memory_bench.py`` (``make bench``
does). Options: ``--minutes`` (default 4) and ``--jobs`` (default 20,000) end the run,
whichever comes first; ``--tracemalloc`` traces both workers and prints where memory grew
between the end of warm-up and the end of the run.

Two ``meldpunt worker`` processes (django-tasks-db's ``db_worker`` plus the heartbeat thread)
run side by side with the same settings on the same PostgreSQL server, each on its own
database: one takes the jobs Meldpunt enqueues in normal life, the peer takes no-op jobs, as
many as the first has done (so both see the same number of jobs in the same minutes). The
peer shows what the framework itself does with memory.

The real stream is fed in blocks while the queue is short: new requests on the demo
agreements (``create_ticket``: priority, clocks, event log -> a pending ``follow_up``
job each, which assesses the request for triage, writes the confirmation to the outbox and sends it), older ones assigned or resolved (status mail
-> more ``send_outbound_mails`` jobs; the open set stays bounded, as on a live desk),
``scan_alerts`` after every block and a full sweep every tenth (warnings and breaches ->
notifications and their mail, ``send_outbound_mails`` jobs), the scheduler's periodic jobs (the
one outbox retry, orphan requeue, mail poll, booking reminders, proposal expiry) and, now
and then, the quarterly evaluation reports (charts and PDFs, mailed). Mail goes to Django's
file backend. Every few seconds the RSS of both workers is read from /proc/<pid>/status.

Printed: RSS after warm-up (the first 20 % of the jobs) and at the end, growth, the slope
after warm-up in KiB per 1,000 jobs, and PASS when the growth after warm-up stays under
10 MiB or under 5 % of the warm-up RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

# The production profile wants a real secret key (DEBUG is off in the benchmarks).
BENCH_SECRET_KEY = "bench-only-" + "k3y-f0r-the-benchmarks-which-sign-nothing-of-value"
BENCH_FIELD_KEY = "YmVuY2gtb25seS1maWVsZC1rZXktb2YtMzItYnl0ZXM="  # MELDPUNT_FIELD_KEY: 32 bytes, URL-safe base64

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(BENCH)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings")

VAR = ROOT / "var" / "bench"
REAL_DB, NOOP_DB = "bench_worker_real", "bench_worker_noop"
WARMUP_SHARE = 0.2
LIMIT_MIB, LIMIT_SHARE = 10.0, 0.05
OPEN_WINDOW = 150  # bench tickets kept open; older ones are resolved
BACKLOG = 60  # a new block is fed while fewer real jobs than this are waiting

if __name__ != "__main__":
    # The peer's job, imported by the worker as ``worker_memory_bench.noop`` (bench/ is on its
    # PYTHONPATH). Defined only on import, when Django is already set up.
    from django.tasks import task

    @task()
    def noop(i: int) -> int:
        return i


def log(text: str = "") -> None:
    print(text, flush=True)


# ------------------------------------------------------------------ the worker processes
def worker_shim(argv: list[str]) -> int:
    """``meldpunt worker`` with, under --tracemalloc, a snapshot written on SIGUSR1."""
    trace = argv[0] if argv and argv[0].startswith("--trace=") else None
    if trace:
        argv = argv[1:]
        import tracemalloc

        tracemalloc.start(12)
        prefix = trace.split("=", 1)[1]
        taken = [0]

        def dump(signum, frame):
            taken[0] += 1
            tracemalloc.take_snapshot().dump(f"{prefix}.{taken[0]}")

        signal.signal(signal.SIGUSR1, dump)
    from meldpunt.cli import main as meldpunt

    return meldpunt(["worker", *argv])


class Worker:
    def __init__(self, name: str, database_url: str, data: Path, trace: bool):
        self.name = name
        self.log_path = VAR / f"worker-{name}.log"
        self.trace_prefix = VAR / f"worker-{name}.tracemalloc"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MELDPUNT_", "PYTHON"))}
        env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="meldpunt.settings", MELDPUNT_DEBUG="0", MELDPUNT_SECRET_KEY=BENCH_SECRET_KEY, MELDPUNT_FIELD_KEY=BENCH_FIELD_KEY,
                   MELDPUNT_DATA=str(data), MELDPUNT_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                   PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(BENCH)]))
        shim = [f"--trace={self.trace_prefix}"] if trace else []
        self.args = [sys.executable, str(Path(__file__).resolve()), "--worker-shim", *shim,
                     "--queue-name", "default", "--no-reload", "--no-startup-delay", "--worker-id", f"bench-{name}"]
        self.env, self.proc, self.samples = env, None, []  # samples: (seconds, jobs done, RSS KiB)

    def start(self) -> None:
        for old in VAR.glob(f"worker-{self.name}.tracemalloc.*"):
            old.unlink()
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(self.args, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    def rss_kib(self) -> int:
        if self.proc.poll() is not None:
            sys.exit(f"worker {self.name} exited with {self.proc.returncode}; see {self.log_path}")
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def snapshot(self) -> None:
        os.kill(self.proc.pid, signal.SIGUSR1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------------ the job streams
class RealStream:
    """What a live desk enqueues, fed in blocks (see the module docstring)."""

    def __init__(self, rng: random.Random, reports: bool = True):
        from django.contrib.auth import get_user_model

        from meldpunt.contracts.models import Agreement
        from meldpunt.escalation.models import Duty

        self.rng, self.reports = rng, reports
        self.agent = get_user_model().objects.get(username="agent")
        for vendor in ("erpm", "invantive", "infor"):
            for role in ("team_lead", "support_manager"):
                Duty.objects.get_or_create(vendor=vendor, role=role, user=self.agent)
        self.agreements = list(Agreement.objects.select_related("organisation", "coordinator", "catalog"))
        self.open: list[int] = []
        self.blocks = 0

    def feed(self) -> None:
        from django.utils import timezone

        from meldpunt.escalation import tasks as escalation
        from meldpunt.intake import tasks as intake
        from meldpunt.tickets.models import Ticket
        from meldpunt.tickets.registration import create_ticket
        from meldpunt.tickets.requests import NewRequest
        from meldpunt.tickets.services import assign_ticket, change_status

        self.blocks += 1
        now = timezone.now()
        for i in range(10):  # new requests, received up to three days ago (clocks near warnings and breaches)
            agreement = self.rng.choice(self.agreements)
            kind = "incident" if i % 4 else "question"
            extra = {"impact": self.rng.choice(["one", "multiple", "organisation"]),
                     "urgency": self.rng.choice(["low", "medium", "high"])} if kind == "incident" else {}
            ticket, _ = create_ticket(NewRequest(
                organisation=agreement.organisation, agreement=agreement, contact=agreement.coordinator, kind=kind,
                subject=f"Bench request {self.blocks}-{i}", description="Since this morning the export stops halfway.",
                channel="portal", received_at=now - timedelta(minutes=self.rng.randint(0, 3 * 24 * 60)), **extra,
            ))
            self.open.append(ticket.pk)
        for pk in self.open[-10:-5]:  # agents pick some up
            assign_ticket(Ticket.objects.get(pk=pk), self.agent, actor=self.agent)
        while len(self.open) > OPEN_WINDOW:  # and resolve the oldest: status mail
            change_status(Ticket.objects.get(pk=self.open.pop(0)), "resolved", actor=self.agent)
        escalation.scan_alerts.enqueue(full=self.blocks % 10 == 1)
        if self.blocks % 10 == 1:  # the scheduler's periodic jobs (from the first block on)
            intake.send_pending_mail.enqueue()
            intake.poll_mailboxes.enqueue()
            escalation.requeue_orphans.enqueue()
            from meldpunt.bookings.tasks import send_booking_reminders
            from meldpunt.triage.tasks import expire_old_proposals

            send_booking_reminders.enqueue()
            expire_old_proposals.enqueue()
        if self.reports and self.blocks % 40 == 1:  # the quarterly evaluation reports (sent once per period: forget them first)
            from meldpunt.reports.models import ReportDelivery
            from meldpunt.reports.tasks import mail_quarterly_reports

            ReportDelivery.objects.all().delete()
            mail_quarterly_reports.enqueue()


def enqueue_noop(first: int, count: int) -> None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.using("noop").bulk_create([
        DBTaskResult(args_kwargs={"args": [first + i], "kwargs": {}}, task_path="worker_memory_bench.noop",
                     queue_name="default", backend_name="default", run_after=get_date_max())
        for i in range(count)])


def job_counts(alias: str) -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    return dict(DBTaskResult.objects.using(alias).values_list("status").annotate(n=Count("id")).order_by())


# ------------------------------------------------------------------ figures
def slope_per_1000(samples: list[tuple[float, int, int]]) -> float:
    """Least-squares RSS growth in KiB per 1,000 jobs."""
    xs, ys = [s[1] for s in samples], [s[2] for s in samples]
    if len(xs) < 2 or max(xs) == min(xs):
        return 0.0
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return 1000 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def at_jobs(samples: list[tuple[float, int, int]], jobs: int) -> tuple[float, int, int]:
    return next((s for s in samples if s[1] >= jobs), samples[-1])


def print_growth(name: str, prefix: Path, top: int = 15) -> None:
    import tracemalloc

    first, last = Path(f"{prefix}.1"), Path(f"{prefix}.2")
    if not (first.exists() and last.exists()):
        log(f"  {name}: no tracemalloc snapshots")
        return
    old, new = tracemalloc.Snapshot.load(str(first)), tracemalloc.Snapshot.load(str(last))
    filters = [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")]
    old, new = old.filter_traces(filters), new.filter_traces(filters)
    log(f"\ntracemalloc, {name} worker: traced {sum(s.size for s in old.statistics('filename')) / 1024:,.0f} KiB after warm-up, "
        f"{sum(s.size for s in new.statistics('filename')) / 1024:,.0f} KiB at the end; top growth by line:")
    for stat in new.compare_to(old, "lineno")[:top]:
        frame = stat.traceback[0]
        log(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  {frame.filename}:{frame.lineno}")


# ------------------------------------------------------------------ main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("WORKER_BENCH_MINUTES", 4)))
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("WORKER_BENCH_JOBS", 20_000)))
    parser.add_argument("--sample", type=float, default=3.0, help="seconds between RSS samples (default 3)")
    parser.add_argument("--tracemalloc", action="store_true", help="trace both workers; print where memory grew")
    parser.add_argument("--no-reports", action="store_true", help="leave the PDF report runs out of the real stream")
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("this benchmark needs PostgreSQL: run it through scripts/with-postgres")
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        for name in (REAL_DB, NOOP_DB):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    real_url = urlunparse(urlparse(base)._replace(path="/" + REAL_DB))
    noop_url = urlunparse(urlparse(base)._replace(path="/" + NOOP_DB))
    data = VAR / "worker-data"
    shutil.rmtree(data, ignore_errors=True)
    (data / "static").mkdir(parents=True)
    os.environ.update(DATABASE_URL=real_url, MELDPUNT_DEBUG="0", MELDPUNT_SECRET_KEY=BENCH_SECRET_KEY, MELDPUNT_FIELD_KEY=BENCH_FIELD_KEY, MELDPUNT_DATA=str(data),
                      MELDPUNT_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend")

    import django
    from django.conf import settings

    settings.DATABASES["noop"] = {**settings.DATABASES["default"], "NAME": NOOP_DB}
    django.setup()
    from django.core.management import call_command

    log(f"Worker memory benchmark: up to {args.jobs:,} jobs or {args.minutes:g} minutes, RSS every {args.sample:g} s"
        f"{', tracemalloc on' if args.tracemalloc else ''}")
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("migrate", database="noop", verbosity=0)
    call_command("load_catalogs", verbosity=0)
    call_command("load_demo", force=True, verbosity=0)  # a throwaway database, DEBUG off
    stream = RealStream(random.Random(args.seed), reports=not args.no_reports)
    log(f"  two databases migrated, catalogs and demo loaded in {time.perf_counter() - t0:.1f} s")

    workers = {"real": Worker("real", real_url, data, args.tracemalloc),
               "noop": Worker("noop", noop_url, VAR / "worker-data-noop", args.tracemalloc)}
    (VAR / "worker-data-noop" / "static").mkdir(parents=True, exist_ok=True)
    warm_jobs = max(500, int(args.jobs * WARMUP_SHARE))
    snapped = {name: False for name in workers}
    noop_sent = 0
    started = time.perf_counter()
    try:
        for worker in workers.values():
            worker.start()
        next_sample = 0.0
        while True:
            elapsed = time.perf_counter() - started
            real = job_counts("default")
            if real.get("READY", 0) < BACKLOG:
                stream.feed()
            real_done = real.get("SUCCESSFUL", 0) + real.get("FAILED", 0)
            if noop_sent < real_done + 100:  # the peer gets as many jobs as the real worker has done
                enqueue_noop(noop_sent, real_done + 200 - noop_sent)
                noop_sent = real_done + 200
            if elapsed >= next_sample:
                noop = job_counts("noop")
                done = {"real": real_done, "noop": noop.get("SUCCESSFUL", 0) + noop.get("FAILED", 0)}
                for name, worker in workers.items():
                    worker.samples.append((elapsed, done[name], worker.rss_kib()))
                    if args.tracemalloc and not snapped[name] and done[name] >= warm_jobs:
                        worker.snapshot()
                        snapped[name] = True
                if len(workers["real"].samples) % 10 == 1:
                    log(f"  {elapsed:5.0f} s  real worker {done['real']:6,} jobs {workers['real'].samples[-1][2] / 1024:6.1f} MiB"
                        f"   no-op worker {done['noop']:6,} jobs {workers['noop'].samples[-1][2] / 1024:6.1f} MiB")
                next_sample = elapsed + args.sample
                if real_done >= args.jobs or elapsed >= args.minutes * 60:
                    break
            time.sleep(0.1)
        if args.tracemalloc:
            for worker in workers.values():
                worker.snapshot()
            time.sleep(5)  # a snapshot of a traced process takes a moment
    finally:
        for worker in workers.values():
            worker.stop()

    real, noop = job_counts("default"), job_counts("noop")
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    kinds = (DBTaskResult.objects.filter(status="SUCCESSFUL").values_list("task_path").annotate(n=Count("id"))
             .order_by("-n"))
    log("\n  real jobs done by kind: " + ", ".join(f"{path.rsplit('.', 1)[-1]} {n:,}" for path, n in kinds))
    from meldpunt.escalation.models import ClockAlert
    from meldpunt.intake.models import OutboundMail
    from meldpunt.tickets.models import Ticket

    log(f"  real side: {Ticket.objects.count():,} tickets, {OutboundMail.objects.filter(sent_at__isnull=False).count():,} "
        f"customer mails sent, {ClockAlert.objects.count():,} alerts fired; no-op side: {noop.get('SUCCESSFUL', 0):,} jobs")

    log()
    log(f"{'worker':26} {'jobs':>8} {'RSS start':>10} {'warm-up':>10} {'end':>10} {'growth':>10} {'KiB/1k jobs':>12}  verdict")
    verdicts = {}
    for name, label in (("real", "meldpunt worker, real jobs"), ("noop", "same worker, no-op jobs")):
        samples = workers[name].samples
        total = samples[-1][1]
        warm_at = min(warm_jobs, int(total * WARMUP_SHARE)) if total < args.jobs else warm_jobs
        warm = at_jobs(samples, warm_at)
        if warm is samples[-1]:
            warm = samples[len(samples) // 5]
        after = [s for s in samples if s[0] >= warm[0]]
        growth = (samples[-1][2] - warm[2]) / 1024
        ok = growth < LIMIT_MIB or growth < LIMIT_SHARE * warm[2] / 1024
        verdicts[name] = ok
        log(f"{label:26} {total:8,} {samples[0][2] / 1024:7.1f} MiB {warm[2] / 1024:7.1f} MiB {samples[-1][2] / 1024:7.1f} MiB "
            f"{growth:+7.1f} MiB {slope_per_1000(after):12.1f}  {'PASS' if ok else 'MISS'}")
    log()
    log(f"warm-up = the first {WARMUP_SHARE:.0%} of the jobs; PASS = growth after warm-up < {LIMIT_MIB:g} MiB or "
        f"< {LIMIT_SHARE:.0%} of the warm-up RSS")
    failed = real.get("FAILED", 0) + noop.get("FAILED", 0)
    if args.tracemalloc:
        log("under --tracemalloc the RSS above includes the tracer's own memory (and its snapshots): judge by the")
        log("traced heap below; growth of a normal run's RSS that the traced heap does not show is native memory")
        print_growth("real", workers["real"].trace_prefix)
        print_growth("no-op", workers["noop"].trace_prefix)
    log(f"worker memory flat over the run: {'PASS' if verdicts['real'] else 'MISS'}")
    if failed:
        for result in DBTaskResult.objects.filter(status="FAILED")[:3]:
            log(f"failed job {result.task_path}: {result.traceback[-800:]}")
        sys.exit(f"{failed} job(s) failed")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker-shim":
        sys.exit(worker_shim(sys.argv[2:]))
    main()
