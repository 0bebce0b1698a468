"""``meldpunt import helpdesk --url … --token …``: bring a django-helpdesk desk's tickets in
(:mod:`meldpunt.history.services`); run it again to resume, a second full run changes nothing."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from meldpunt.history.client import HelpdeskClient, SourceError
from meldpunt.history.services import Result, import_helpdesk


class Command(BaseCommand):
    help = "Import the tickets, follow-ups and attachments of a django-helpdesk desk through its REST API (resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="the desk's address, e.g. https://desk.example.com (its API is /api/)")
        parser.add_argument("--token", required=True, help="the DRF token of a staff user of that desk")
        parser.add_argument("--limit", type=int, default=None,
                            help="import at most this many new tickets, then stop (run again to continue)")

    def handle(self, *args, **options):
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError("--limit must be 0 or more", returncode=2)
        shown = [0.0]

        def progress(result: Result) -> None:
            now = time.monotonic()
            if result.seen < result.total and now - shown[0] < 1.0:
                return
            shown[0] = now
            left = (result.total - result.seen) / result.rate if result.rate else 0.0
            self.stdout.write(
                f"  {result.seen}/{result.total} tickets · {result.imported} imported · {result.skipped} already there"
                f" · {result.rate:.1f}/s, about {left:.0f} s left"
            )

        try:
            client = HelpdeskClient(options["url"], options["token"])
            self.stdout.write(f"Importing the history of {client.base}")
            result = import_helpdesk(client, limit=options["limit"], on_progress=progress)
        except SourceError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(
            f"Done: {result.imported} tickets imported ({result.strangers} from unknown submitters, in the triage queue),"
            f" {result.messages} follow-ups, {result.attachments} attachments; {result.skipped} were already there;"
            f" {result.elapsed:.1f} s, {result.rate:.1f} tickets/s"
        )
        if result.stopped:
            self.stdout.write(f"Stopped at --limit {options['limit']}: run it again to continue.")
        elif not result.imported:
            self.stdout.write("Nothing new to import.")
