"""``meldpunt rotate-field-key``: seal every stored secret again with the first key of
MELDPUNT_FIELD_KEY, so the old keys after it can be dropped (docs/deploy.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.intake.models import Mailbox
from meldpunt.sealed import SealedValueError, reseal_rows


class Command(BaseCommand):
    help = gettext_noop("Encrypt every mailbox password again with the first key of MELDPUNT_FIELD_KEY "
                        "(put the new key first, keep the old ones after it until this has run).")

    def handle(self, **options):
        try:
            count = reseal_rows(Mailbox.objects.all(), "password")
        except SealedValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("%(count)s mailbox password(s) encrypted with the first key.") % {"count": count})
