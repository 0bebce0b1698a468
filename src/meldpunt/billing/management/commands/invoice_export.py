"""``meldpunt invoice-export --month 2026-10 [--output FILE]``: the bookkeeping CSV."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from meldpunt.billing.export import write_csv
from meldpunt.billing.models import Invoice
from meldpunt.billing.selectors import invoices_of_month
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.core.billing import BillingError, Month


class Command(BaseCommand):
    help = gettext_noop("Write the invoices and credit notes of a month as CSV (UBL column names).")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help=_("e.g. 2026-10"))
        parser.add_argument("--output", help=_("file to write; default standard output"))

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["month"])
        except BillingError as exc:
            raise CommandError(f"--month: {billing_error_words(exc)}", returncode=2) from None
        invoices = invoices_of_month(Invoice.objects.select_related("organisation", "credits"), month)
        if options["output"]:
            with open(options["output"], "w", newline="", encoding="utf-8") as stream:
                count = write_csv(invoices, stream)
            self.stderr.write(ngettext("%(count)s invoice line written to %(file)s", "%(count)s invoice lines written to %(file)s",
                                       count) % {"count": count, "file": options["output"]})
        else:
            write_csv(invoices, self.stdout)
