"""``meldpunt scheduler``: enqueue the periodic jobs (alert scan, mail, invoice run) on time.

Run one (or more: each job is enqueued once per slot either way) next to the workers.
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.escalation.scheduler import JOBS, tick


class Command(BaseCommand):
    help = gettext_noop("Enqueue periodic jobs as django tasks, once per slot (safe to run several).")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("one round, then exit"))
        parser.add_argument("--interval", type=float, default=10, help=_("seconds between rounds (default 10)"))

    def handle(self, *, once: bool, interval: float, **options):
        if options["verbosity"] > 1:
            for job in JOBS:
                self.stdout.write(_("%(job)s: %(task)s every %(every)s") % {"job": job.name, "task": job.task, "every": job.every})
        while True:
            close_old_connections()
            for name in tick():
                self.stdout.write(_("enqueued %(task)s") % {"task": name})
            if once:
                return
            time.sleep(interval)
