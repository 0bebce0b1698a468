from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.demo.services import load_demo


class Command(BaseCommand):
    help = gettext_noop("Load the demo desk (staff account, customer organisations, agreements, tickets).")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help=_("load it even in the production profile (DEBUG off): demo accounts with known passwords"))

    def handle(self, *args, force: bool = False, **options):
        # The demo's accounts have published passwords: on a production desk they are a way in.
        if settings.PRODUCTION_PROFILE and not force:
            raise CommandError(_("refused in the production profile (DEBUG off): the demo's accounts "
                                 "have published passwords; set MELDPUNT_DEBUG=1 or pass --force"))
        result = load_demo()
        self.stdout.write(_("demo ready (%(tickets)s new tickets)") % {"tickets": result["tickets"]})
