"""Mail intake benchmark: messages per second from a real IMAP mailbox to committed tickets.

Run: ``make bench`` (which runs this on a throwaway PostgreSQL through scripts/with-postgres),
or ``python bench/intake_bench.py`` for SQLite. A private Dovecot (as in the tests) holds
N messages from known contacts; we time ``meldpunt.intake.imap.poll`` registering them all
(parse, match, ticket, clocks, event log, outbox, confirmation through a real SMTP sink,
flag after commit), and, as the peer in the same run, a bare imapclient fetch of the same
messages — the floor any intake over IMAP pays. Goal (issue 4): >= 300 messages per second.
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

from meldpunt.contracts.models import Contact, Organisation  # noqa: E402
from meldpunt.intake import imap  # noqa: E402
from meldpunt.intake.models import Mailbox, OutboundMail  # noqa: E402
from meldpunt.tickets.models import Ticket  # noqa: E402

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

    # The SMTP sink is a separate process, as a real mail server would be.
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"])
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10}}}
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
        t0 = time.perf_counter()
        report = imap.poll(box)
        elapsed = time.perf_counter() - t0
        box.active = False
        box.save()

        # Scale-out: WORKERS processes share a second mailbox by UID (mail_intake --shard).
        Mailbox.objects.create(vendor="erpm", name="bench-sharded", host=server.host, port=server.port, use_ssl=False,
                               username=server.user, password=server.password, folder=folder + "w",
                               reply_address="support@bench.test")
        meldpunt = [sys.executable, "-c", "import sys; from meldpunt.cli import main; sys.exit(main(sys.argv[1:]))"]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        before_sharded = Ticket.objects.count()
        t0 = time.perf_counter()
        procs = [subprocess.Popen([*meldpunt, "mail_intake", "--once", "--shard", f"{k}/{WORKERS}"], env=env,
                                  stdout=subprocess.DEVNULL) for k in range(WORKERS)]
        codes = [p.wait() for p in procs]
        sharded_elapsed = time.perf_counter() - t0
        sharded_created = Ticket.objects.count() - before_sharded
        # Confirmations were written to the outbox and enqueued; a worker delivers them.
        t0 = time.perf_counter()
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        send_elapsed = time.perf_counter() - t0
    finally:
        server.stop()
        sink.terminate()
    created = Ticket.objects.count() - before - sharded_created
    ours = report.fetched / elapsed
    scaled = sharded_created / sharded_elapsed
    sent = OutboundMail.objects.filter(sent_at__isnull=False).count()
    print(f"  registered {report.fetched:,} messages ({report.outcomes}) into {created:,} tickets in {elapsed:.1f} s")
    print(f"  a db_worker then delivered {sent:,} confirmations to the SMTP sink in {send_elapsed:.1f} s"
          f" ({sent / send_elapsed:,.0f} mail/s)")
    print()
    print(f"{'engine':52} {'msg/s':>10}")
    print(f"{'meldpunt imap.poll -> committed tickets (+ outbox)':52} {ours:10,.0f}")
    print(f"{f'meldpunt mail_intake x{WORKERS} processes (--shard), incl. start-up':52} {scaled:10,.0f}")
    print(f"{'peer: imapclient fetch only (no registration)':52} {peer:10,.0f}")
    print()
    print(f"ratio meldpunt / bare fetch: {ours / peer:.2f}   (the share of IMAP's own speed kept)")
    print(f"goal >= {GOAL:.0f} msg/s, one process: {ours:,.0f} msg/s  {'PASS' if ours >= GOAL else 'MISS'}")
    print(f"goal >= {GOAL:.0f} msg/s, {WORKERS} processes: {scaled:,.0f} msg/s  {'PASS' if scaled >= GOAL else 'MISS'}")
    if report.error or created != N or sharded_created != N or any(codes):
        sys.exit(f"intake error: {report.error or f'{created} + {sharded_created} tickets for 2 x {N} messages, exit codes {codes}'}")


if __name__ == "__main__":
    main()
