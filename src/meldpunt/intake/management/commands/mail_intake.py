import time

from django.core.management.base import BaseCommand, CommandError

from meldpunt.intake import imap, outbox
from meldpunt.intake.models import Mailbox


class Command(BaseCommand):
    help = "Read the active IMAP mailboxes (poll, or IDLE for one mailbox) and retry unsent mail."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--interval", type=int, default=30, help="seconds between rounds")
        parser.add_argument("--idle", type=int, metavar="MAILBOX_ID", help="watch one mailbox with IMAP IDLE")
        parser.add_argument("--shard", default="0/1", metavar="K/N", help="this worker takes the messages whose UID %% N == K")

    def handle(self, *args, once, interval, idle, shard, **options):
        try:
            index, count = (int(x) for x in shard.split("/"))
            if not 0 <= index < count:
                raise ValueError
        except ValueError:
            raise CommandError(f"--shard {shard!r}: give K/N with 0 <= K < N, e.g. 1/2") from None
        if idle is not None:
            mailbox = Mailbox.objects.filter(pk=idle, active=True).first()
            if mailbox is None:
                raise CommandError(f"no active mailbox {idle}")
            imap.watch(mailbox)
            return
        while True:
            for mailbox in Mailbox.objects.filter(active=True):
                report = imap.poll(mailbox, shard=(index, count))
                counts = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())) or "nothing new"
                self.stdout.write(f"{mailbox}: {report.fetched} fetched ({counts}){' — ' + report.error if report.error else ''}")
            sent = outbox.send_pending()
            if sent:
                self.stdout.write(f"outbox: {sent} sent")
            if once:
                return
            time.sleep(max(interval, 1))
