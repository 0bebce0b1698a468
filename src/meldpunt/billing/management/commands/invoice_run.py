"""``meldpunt invoice-run --month 2026-10``: bill a month; running it twice bills nothing new."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.billing.services import ProfileIncomplete, RunResult, check_profiles, run_month
from meldpunt.billing.tasks import invoice_month
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.core.billing import BillingError, Month
from meldpunt.localformat import money, number


class Command(BaseCommand):
    help = gettext_noop("Bill package fees, add-ons and billable time of one month (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help=_("the month to bill, e.g. 2026-10"))
        parser.add_argument("--date", help=_("invoice date (ISO), default today"))
        parser.add_argument("--enqueue", action="store_true", help=_("run on the background worker instead"))
        parser.add_argument("--force", metavar="REASON", default="",
                            help=_("bill a month that has not ended yet; the reason is logged"))

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["month"])
        except BillingError as exc:
            raise CommandError(f"--month: {billing_error_words(exc)}", returncode=2) from None
        try:
            issued = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(_("--date: %(date)r is not a date such as 2026-11-01") % {"date": options["date"]},
                               returncode=2) from None
        if options["enqueue"]:
            try:
                check_profiles(month)  # refused now, not later on the worker; the run checks again
            except ProfileIncomplete as exc:
                raise CommandError(billing_error_words(exc), returncode=1) from None
            result = invoice_month.enqueue(month=str(month), today=issued.isoformat() if issued else None,
                                           force=options["force"], require_profile=True)
            self.stdout.write(_("Invoice run %(month)s queued as task %(task)s; `meldpunt db_worker` runs it.")
                              % {"month": month, "task": result.id})
            return
        started = time.monotonic()
        shown = [0.0]

        def progress(done: int, total: int, result: RunResult) -> None:
            now = time.monotonic()
            if done < total and now - shown[0] < 1.0:
                return
            shown[0] = now
            elapsed = now - started
            left = elapsed / done * (total - done)
            self.stdout.write("  " + _("%(done)s/%(total)s customers · %(invoices)s invoices · %(lines)s lines · "
                                       "%(elapsed)s s, about %(left)s s left") % {
                "done": done, "total": total, "invoices": len(result.invoices), "lines": result.lines,
                "elapsed": number(elapsed, 1), "left": number(left, 0)})

        self.stdout.write(_("Invoice run %(month)s") % {"month": month})
        try:
            result = run_month(month=month, today=issued, force=options["force"], on_progress=progress,
                               require_profile=True)
        except ProfileIncomplete as exc:
            raise CommandError(billing_error_words(exc), returncode=1) from None
        except BillingError as exc:
            raise CommandError(f"--month: {billing_error_words(exc)} (--force REASON)", returncode=2) from None
        totals = ", ".join(money(amount, currency) for currency, amount in sorted(result.net.items())) or _("nothing")
        done = _("Done: %(invoices)s invoices, %(lines)s lines, %(totals)s excl. VAT") % {
            "invoices": len(result.invoices), "lines": result.lines, "totals": totals}
        if result.skipped:
            done += _(", %(skipped)s skipped (billed by a concurrent run)") % {"skipped": result.skipped}
        self.stdout.write(done)
        for invoice in result.invoices:
            self.stdout.write(f"  {invoice}")
        if not result.invoices:
            self.stdout.write(_("Nothing new to bill."))
