"""``meldpunt booking_reminders``: send the reminders that are due, each once.

Run it from cron or a scheduler every few minutes (or enqueue the task with ``--enqueue``);
a reminder is a unique row per booking and start, so overlapping runs send nothing twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.bookings import services
from meldpunt.bookings.tasks import send_booking_reminders
from meldpunt.intake import outbox


class Command(BaseCommand):
    help = gettext_noop("Send booking reminders that are due (each once) and retry unsent outbox mail.")

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help=_("hand the work to the task worker"))

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = send_booking_reminders.enqueue()
            self.stdout.write(_("enqueued %(task)s") % {"task": result.id})
            return
        queued = services.send_due_reminders()
        sent = outbox.send_pending()  # the reminders just queued, and any mail that failed before
        self.stdout.write(_("%(queued)s reminder(s) queued, %(sent)s mail(s) sent") % {"queued": queued, "sent": sent})
