from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.demo.services import DEMO_LOGINS


class Command(BaseCommand):
    help = gettext_noop("Print the demo logins.")

    def handle(self, *args, **options):
        self.stdout.write(_("Demo logins (username / password):"))
        for username, password, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:6} / {password:16} {_(role)}")
