"""``meldpunt scan_alerts [--full]``: one alert scan now (the scheduler runs it every minute)."""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.escalation.services import scan_alerts


class Command(BaseCommand):
    help = gettext_noop("Fire the SLA warnings and breach escalations reached since the last scan.")

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help=_("look at every running clock, not only since the last scan"))

    def handle(self, *, full, **options):
        self.stdout.write(json.dumps(scan_alerts(full=full).as_dict()))
