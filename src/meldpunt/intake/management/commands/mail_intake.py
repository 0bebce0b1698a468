"""``meldpunt mail_intake [--once] [--idle MAILBOX_ID] [--shard K/N]``: read the IMAP mailboxes.

The mail it registers is worded for its senders (their language), never in the operator's:
``meldpunt`` runs this command in the desk's language once its arguments are checked
(:data:`meldpunt.cli.WORKS_FOR_OTHERS`).
"""

import argparse
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.intake import imap, outbox
from meldpunt.intake.models import Mailbox


def shard(text: str) -> tuple[int, int]:
    """``K/N`` with 0 <= K < N; argparse words a refusal as one line."""
    try:
        index, count = (int(x) for x in text.split("/"))
        if not 0 <= index < count:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(shard)r: give K/N with 0 <= K < N, e.g. 1/2") % {"shard": text}) from None
    return index, count


class Command(BaseCommand):
    help = gettext_noop("Read the active IMAP mailboxes (poll, or IDLE for one mailbox) and retry unsent mail.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("one round, then exit"))
        parser.add_argument("--interval", type=int, default=30, help=_("seconds between rounds"))
        parser.add_argument("--idle", type=int, metavar="MAILBOX_ID", help=_("watch one mailbox with IMAP IDLE"))
        parser.add_argument("--shard", type=shard, default=(0, 1), metavar="K/N",
                            help=_("this worker takes the messages whose UID %% N == K"))

    def handle(self, *args, once, interval, idle, shard, **options):
        if idle is not None:
            mailbox = Mailbox.objects.filter(pk=idle, active=True).first()
            if mailbox is None:
                raise CommandError(_("--idle: no active mailbox %(mailbox)s") % {"mailbox": idle}, returncode=2)
            imap.watch(mailbox)
            return
        while True:
            for mailbox in Mailbox.objects.filter(active=True):
                report = imap.poll(mailbox, shard=shard)
                counts = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())) or _("nothing new")
                line = _("%(mailbox)s: %(fetched)s fetched (%(counts)s)") % {
                    "mailbox": mailbox, "fetched": report.fetched, "counts": counts}
                self.stdout.write(line + (" — " + report.error if report.error else ""))
            sent = outbox.send_pending()
            if sent:
                self.stdout.write(_("outbox: %(sent)s sent") % {"sent": sent})
            if once:
                return
            time.sleep(max(interval, 1))
