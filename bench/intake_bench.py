"""Mail intake benchmark: messages per second from a real IMAP mailbox until every
confirmation has reached the SMTP sink (issue 17 item 6).

Run: ``make bench`` (which runs this on a throwaway PostgreSQL through scripts/with-postgres),
or ``python bench/intake_bench.py`` for SQLite. A private Dovecot (as in the tests) holds
N messages from known contacts. ``--workers`` (``INTAKE_BENCH_WORKERS``, 2) ``meldpunt worker``
processes run throughout, as production runs them, sending through SMTP to a sink in its own
process (``bench/counting_sink.py``) that counts the confirmations reaching it.

Timed from the start of the intake until the sink has every confirmation: ``meldpunt.intake.imap.poll``
registering them all in this process (parse, match, ticket, clocks, event log, pending
follow-up, flag after commit) while the workers assess the requests and write and send the
confirmations; then the same with ``mail_intake --once --shard k/W`` processes sharing a
second mailbox by UID, start-up included. The registration alone is printed beside it,
and, as the peer in the same run, a bare imapclient fetch of the same messages: the floor
any intake over IMAP pays. Goal (issues 4 and 17): >= 300 messages per second to the sink.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings")
# The production profile (DEBUG off, as the workers run) wants real keys: the benchmarks' own, as helpdesk_bench.py.
os.environ.setdefault("MELDPUNT_DEBUG", "0")
os.environ.setdefault("MELDPUNT_SECRET_KEY", "bench-only-" + "k3y-f0r-the-benchmarks-which-sign-nothing-of-value")
os.environ.setdefault("MELDPUNT_FIELD_KEY", "YmVuY2gtb25seS1maWVsZC1rZXktb2YtMzItYnl0ZXM=")
# 50 senders send N messages: lift the per-sender flood throttle, or most would be ignored.
os.environ.setdefault("MELDPUNT_MAIL_THROTTLE_PER_HOUR", "1000000")
if not os.environ.get("DATABASE_URL"):
    os.environ["MELDPUNT_DATA"] = tempfile.mkdtemp(prefix="meldpunt-bench-")

import django  # noqa: E402

django.setup()

import subprocess  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from imapclient import IMAPClient  # noqa: E402
from tests.support.samples import mail  # noqa: E402
from tests.support.servers import free_port, start_dovecot  # noqa: E402

from counting_sink import count  # noqa: E402  (bench/)
from meldpunt.contracts.models import Contact, Organisation  # noqa: E402
from meldpunt.intake import imap  # noqa: E402
from meldpunt.intake.models import Mailbox, OutboundMail  # noqa: E402
from meldpunt.tickets.models import Ticket  # noqa: E402
from processes import cpu_snapshot, postmaster_pid, stop_process_group, tree_cpu  # noqa: E402  (bench/)

N = int(os.environ.get("INTAKE_BENCH_N", "2000"))
WORKERS = int(os.environ.get("INTAKE_BENCH_WORKERS", "2"))
GOAL = 300.0


def main() -> None:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"Intake benchmark: {N:,} messages, database {engine}, Dovecot IMAP on loopback, aiosmtpd sink")
    call_command("migrate", verbosity=0)
    call_command("load_catalogs", verbosity=0)
    from datetime import date

    from meldpunt.contracts.models import Agreement
    from meldpunt.contracts.services import current_version  # after migrate

    contacts = []
    for i in range(50):
        org, _ = Organisation.objects.get_or_create(name=f"Bench org {i}", defaults={"language": "nl" if i % 2 else "en"})
        Agreement.objects.get_or_create(code=f"BENCH-{i}", defaults=dict(
            organisation=org, catalog=current_version("erpm"), package="medium", starts_on=date(2026, 1, 1)))
        contact, _ = Contact.objects.get_or_create(organisation=org, email=f"user{i}@bench{i}.test",
                                                   defaults={"name": f"User {i}", "language": org.language})
        contacts.append(contact)

    # The SMTP sink is a separate process, as a real mail server would be; it counts the confirmations.
    port = free_port()
    sink_file = os.path.join(tempfile.mkdtemp(prefix="meldpunt-sink-"), "confirmations")
    sink = subprocess.Popen([sys.executable, str(ROOT / "bench" / "counting_sink.py"), str(port), sink_file],
                            stdout=subprocess.PIPE)
    sink.stdout.readline()  # "ready"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10}}}
    meldpunt = [sys.executable, "-c", "import sys; from meldpunt.cli import main; sys.exit(main(sys.argv[1:]))"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
           "MELDPUNT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
           "MELDPUNT_SMTP_HOST": "127.0.0.1", "MELDPUNT_SMTP_PORT": str(port)}
    # The workers run throughout (started before the timed parts, as production's run all day).
    workers = [subprocess.Popen([*meldpunt, "worker"], env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL) for _ in range(WORKERS)]
    server = start_dovecot()
    try:
        client = IMAPClient(server.host, port=server.port, ssl=False)
        client.login(server.user, server.password)

        def fill(folder: str) -> None:
            client.create_folder(folder)
            t0 = time.perf_counter()
            for i in range(N):
                c = contacts[i % len(contacts)]
                client.append(folder, mail(sender=f"{c.name} <{c.email}>", subject=f"Storing {i}",
                                           body=f"Melding {i}: de export stopt.", message_id=f"<{folder}-{i}@bench.test>"))
            print(f"  appended {N:,} messages to {folder} in {time.perf_counter() - t0:.1f} s (not timed)")

        folder = f"bench{int(time.time())}"
        fill(folder)
        fill(folder + "w")

        # Peer: fetch every message over IMAP, nothing else.
        client.select_folder(folder, readonly=True)
        t0 = time.perf_counter()
        uids = client.search(["ALL"])
        fetched = 0
        for start in range(0, len(uids), imap.BATCH):
            fetched += len(client.fetch(uids[start:start + imap.BATCH], ["BODY.PEEK[]", "INTERNALDATE"]))
        peer = fetched / (time.perf_counter() - t0)
        client.logout()

        box = Mailbox.objects.create(vendor="erpm", name="bench", host=server.host, port=server.port, use_ssl=False,
                                     username=server.user, password=server.password, folder=folder,
                                     reply_address="support@bench.test")
        before = Ticket.objects.count()
        cpu0, t0 = cpu_seconds(sink), time.perf_counter()
        report = imap.poll(box)
        registered = time.perf_counter() - t0
        confirmed(sink_file, N, workers)
        elapsed, cpu = time.perf_counter() - t0, cpu_seconds(sink) - cpu0
        box.active = False
        box.save()

        # Scale-out: WORKERS processes share a second mailbox by UID (mail_intake --shard).
        Mailbox.objects.create(vendor="erpm", name="bench-sharded", host=server.host, port=server.port, use_ssl=False,
                               username=server.user, password=server.password, folder=folder + "w",
                               reply_address="support@bench.test")
        before_sharded = Ticket.objects.count()
        cpu0, t0 = cpu_seconds(sink), time.perf_counter()
        procs = [subprocess.Popen([*meldpunt, "mail_intake", "--once", "--shard", f"{k}/{WORKERS}"], env=env,
                                  stdout=subprocess.DEVNULL) for k in range(WORKERS)]
        codes = [p.wait() for p in procs]
        sharded_registered = time.perf_counter() - t0
        confirmed(sink_file, 2 * N, workers)
        sharded_elapsed, sharded_cpu = time.perf_counter() - t0, cpu_seconds(sink) - cpu0
        sharded_created = Ticket.objects.count() - before_sharded
    finally:
        server.stop()
        for worker in workers:
            stop_process_group(worker)
        sink.terminate()
    created = Ticket.objects.count() - before - sharded_created
    ours, scaled = report.fetched / elapsed, sharded_created / sharded_elapsed
    sent = OutboundMail.objects.filter(kind="confirmation", sent_at__isnull=False).count()
    print(f"  registered {report.fetched:,} messages ({report.outcomes}) into {created:,} tickets in {registered:.1f} s"
          f" ({report.fetched / registered:,.0f}/s); every confirmation reached the SMTP sink after {elapsed:.1f} s")
    print(f"  sharded: {sharded_created:,} tickets registered in {sharded_registered:.1f} s, confirmed at the sink after"
          f" {sharded_elapsed:.1f} s; {sent:,} confirmations sent in all, {count(sink_file):,} received by the sink")
    print()
    print(f"{'engine (until every confirmation reached the SMTP sink)':64} {'msg/s':>8} {'CPU ms/msg':>11}")
    print(f"{f'meldpunt imap.poll + {WORKERS} workers':64} {ours:8,.0f} {cpu / N * 1000:11.2f}")
    print(f"{f'meldpunt mail_intake x{WORKERS} (--shard, incl. start-up) + {WORKERS} workers':64} {scaled:8,.0f} "
          f"{sharded_cpu / N * 1000:11.2f}")
    print(f"{'  (registration alone, imap.poll)':64} {report.fetched / registered:8,.0f}")
    print(f"{'peer: imapclient fetch only (no registration, no mail)':64} {peer:8,.0f}")
    print(f"CPU: intake, workers and PostgreSQL (this benchmark's server), not Dovecot or the sink; the machine's "
          f"{os.cpu_count()} cores are shared")
    print()
    print(f"ratio meldpunt / bare fetch: {ours / peer:.2f}   (the share of IMAP's own speed kept)")
    print(f"goal >= {GOAL:.0f} msg/s to the sink, one intake process: {ours:,.0f} msg/s  {'PASS' if ours >= GOAL else 'MISS'}")
    print(f"goal >= {GOAL:.0f} msg/s to the sink, {WORKERS} intake processes: {scaled:,.0f} msg/s  "
          f"{'PASS' if scaled >= GOAL else 'MISS'}")
    if report.error or created != N or sharded_created != N or any(codes) or sent != 2 * N or count(sink_file) != 2 * N:
        sys.exit(f"intake error: {report.error or f'{created} + {sharded_created} tickets for 2 x {N} messages, exit codes {codes}'}; "
                 f"{sent} confirmations sent, {count(sink_file)} received, {2 * N} expected")


def cpu_seconds(sink: subprocess.Popen) -> float:
    """CPU seconds so far of this process and its children (the workers, the sharded intake
    processes, ended ones included) but the sink, and of the benchmark's PostgreSQL server."""
    snapshot = cpu_snapshot()
    total = tree_cpu(os.getpid(), snapshot) - tree_cpu(sink.pid, snapshot)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        global POSTMASTER
        POSTMASTER = POSTMASTER or postmaster_pid(url)
        total += tree_cpu(POSTMASTER, snapshot)
    return total


POSTMASTER = 0


def confirmed(sink_file: str, target: int, workers: list[subprocess.Popen], limit: float = 1800) -> None:
    """Until ``target`` confirmations reached the sink; every worker must stay alive."""
    deadline = time.monotonic() + limit
    while count(sink_file) < target:
        if any(w.poll() is not None for w in workers) or time.monotonic() > deadline:
            sys.exit(f"confirmations: {count(sink_file)} of {target} reached the SMTP sink "
                     f"({'a worker exited' if any(w.poll() is not None for w in workers) else 'timed out'})")
        time.sleep(0.01)


if __name__ == "__main__":
    main()
