"""``meldpunt invoice-run --month 2026-10``: bill a month; running it twice bills nothing new."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from meldpunt.billing.services import ProfileIncomplete, RunResult, check_profiles, run_month
from meldpunt.billing.tasks import invoice_month
from meldpunt.core.billing import BillingError, Month


class Command(BaseCommand):
    help = "Bill package fees, add-ons and billable time of one month (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month to bill, e.g. 2026-10")
        parser.add_argument("--date", help="invoice date (ISO), default today")
        parser.add_argument("--enqueue", action="store_true", help="run on the background worker instead")
        parser.add_argument("--force", metavar="REASON", default="",
                            help="bill a month that has not ended yet; the reason is logged")

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["month"])
        except BillingError as exc:
            raise CommandError(f"--month: {exc}", returncode=2) from None
        try:
            issued = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(f"--date: {options['date']!r} is not a date such as 2026-11-01", returncode=2) from None
        if options["enqueue"]:
            try:
                check_profiles(month)  # refused now, not later on the worker; the run checks again
            except ProfileIncomplete as exc:
                raise CommandError(str(exc), returncode=1) from None
            result = invoice_month.enqueue(month=str(month), today=issued.isoformat() if issued else None,
                                           force=options["force"], require_profile=True)
            self.stdout.write(f"Invoice run {month} queued as task {result.id}; `meldpunt db_worker` runs it.")
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
            self.stdout.write(
                f"  {done}/{total} customers · {len(result.invoices)} invoices · {result.lines} lines"
                f" · {elapsed:.1f} s, about {left:.0f} s left"
            )

        self.stdout.write(f"Invoice run {month}")
        try:
            result = run_month(month=month, today=issued, force=options["force"], on_progress=progress,
                               require_profile=True)
        except ProfileIncomplete as exc:
            raise CommandError(str(exc), returncode=1) from None
        except BillingError as exc:
            raise CommandError(f"--month: {exc} (--force REASON)", returncode=2) from None
        totals = ", ".join(f"{currency} {amount}" for currency, amount in sorted(result.net.items())) or "nothing"
        self.stdout.write(
            f"Done: {len(result.invoices)} invoices, {result.lines} lines, {totals} excl. VAT"
            + (f", {result.skipped} skipped (billed by a concurrent run)" if result.skipped else "")
        )
        for number in result.invoices:
            self.stdout.write(f"  {number}")
        if not result.invoices:
            self.stdout.write("Nothing new to bill.")
