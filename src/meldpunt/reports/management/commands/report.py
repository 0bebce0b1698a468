"""``meldpunt report --organisation ID --period 2026Q3``: the evaluation report as a PDF.

Progress goes to stderr, the file name (or the PDF with ``--output -``) to stdout.
``--package``/``--addon`` add the what-if (the add-ons replace the agreement's).
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from meldpunt.contracts.models import Organisation
from meldpunt.core.reporting import Period, PeriodError
from meldpunt.reports import whatif
from meldpunt.reports.build import build_report
from meldpunt.reports.pdf import filename, render_report_pdf


class Command(BaseCommand):
    help = "Make an organisation's evaluation report of a period as a PDF."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, type=int, help="the organisation's id")
        parser.add_argument("--period", required=True, help="2026Q3, 2026-07 or 2026")
        parser.add_argument("--language", choices=("nl", "en"), help="default: the organisation's language")
        parser.add_argument("--output", help="PDF file to write ('-' for standard output); default evaluation-ID-PERIOD.pdf")
        parser.add_argument("--package", help="what-if: replay under this package")
        parser.add_argument("--addon", action="append", default=[], help="what-if: with this add-on (repeat)")

    def handle(self, *args, **options):
        try:
            period = Period.parse(options["period"])
        except PeriodError as exc:
            raise CommandError(f"--period: {exc}", returncode=2) from None
        organisation = Organisation.objects.filter(pk=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"--organisation: no organisation with id {options['organisation']}", returncode=2)
        scenario = None
        if options["package"] or options["addon"]:
            scenario = whatif.Scenario(options["package"], tuple(options["addon"]))
            try:
                whatif.check(scenario, organisation)
            except whatif.ScenarioError as exc:
                raise CommandError(f"--package/--addon: {exc}", returncode=2) from None
        started = time.monotonic()

        def progress(step: str) -> None:
            self.stderr.write(f"  {step} … {time.monotonic() - started:.1f} s")

        self.stderr.write(f"Evaluation report {organisation} {period}")
        report = build_report(organisation, period, language=options["language"] or organisation.language,
                              scenario=scenario, progress=progress)
        progress("PDF")
        data = render_report_pdf(report)
        target = options["output"] or filename(report)
        if target == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            with open(target, "wb") as stream:
                stream.write(data)
            self.stdout.write(target)
        totals = report.totals
        self.stderr.write(
            f"{report.opened} opened, {report.closed} closed, {len(report.breaches)} breaches"
            + "".join(f", {m} {t.percent}% met" for m, t in totals.items() if t.percent is not None)
            + (f"; what-if {report.whatif.scenario}: {report.whatif_scenario} breaches instead of {report.whatif_actual}" if report.whatif else "")
            + f" · {len(data) // 1024} KiB in {time.monotonic() - started:.1f} s"
        )
