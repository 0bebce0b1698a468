"""``meldpunt report --organisation ID --period 2026Q3``: the evaluation report as a PDF.

Progress goes to stderr, the file name (or the PDF with ``--output -``) to stdout.
``--package``/``--addon`` add the what-if (the add-ons replace the agreement's).
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from meldpunt.contracts.models import Organisation
from meldpunt.core.reporting import Period, PeriodError
from meldpunt.localformat import number
from meldpunt.reports import whatif
from meldpunt.reports.build import build_report, period_error_words
from meldpunt.reports.pdf import filename, render_report_pdf
from meldpunt.tickets.sla_words import METRIC_WORDS

#: The report's steps (``reports.build`` names them) as the progress lines word them.
STEPS = {"tickets": gettext_lazy("tickets"), "clocks": gettext_lazy("clocks"),
         "closed and open": gettext_lazy("closed and open"), "time": gettext_lazy("time"),
         "satisfaction": gettext_lazy("satisfaction"), "what-if": gettext_lazy("what-if"), "PDF": gettext_lazy("PDF")}


class Command(BaseCommand):
    help = gettext_noop("Make an organisation's evaluation report of a period as a PDF.")

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, type=int, help=_("the organisation's id"))
        parser.add_argument("--period", required=True, help=_("2026Q3, 2026-07 or 2026"))
        parser.add_argument("--language", choices=("nl", "en"), help=_("default: the organisation's language"))
        parser.add_argument("--output", help=_("PDF file to write ('-' for standard output); default evaluation-ID-PERIOD.pdf"))
        parser.add_argument("--package", help=_("what-if: replay under this package"))
        parser.add_argument("--addon", action="append", default=[], help=_("what-if: with this add-on (repeat)"))

    def handle(self, *args, **options):
        try:
            period = Period.parse(options["period"])
        except PeriodError as exc:
            raise CommandError(f"--period: {period_error_words(exc)}", returncode=2) from None
        organisation = Organisation.objects.filter(pk=options["organisation"]).first()
        if organisation is None:
            raise CommandError(_("--organisation: no organisation with id %(id)s") % {"id": options["organisation"]},
                               returncode=2)
        scenario = None
        if options["package"] or options["addon"]:
            scenario = whatif.Scenario(options["package"], tuple(options["addon"]))
            try:
                whatif.check(scenario, organisation)
            except whatif.ScenarioError as exc:
                raise CommandError(f"--package/--addon: {exc}", returncode=2) from None
        started = time.monotonic()

        def progress(step: str) -> None:
            self.stderr.write(f"  {STEPS.get(step, step)} … {number(time.monotonic() - started, 1)} s")

        self.stderr.write(_("Evaluation report %(organisation)s %(period)s") % {"organisation": organisation, "period": period})
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
        summary = _("%(opened)s opened, %(closed)s closed, %(breaches)s breaches") % {
            "opened": report.opened, "closed": report.closed, "breaches": len(report.breaches)}
        for metric, total in totals.items():
            if total.percent is not None:
                summary += _(", %(metric)s %(percent)s%% met") % {"metric": METRIC_WORDS.get(metric, metric),
                                                                 "percent": number(total.percent, 1)}
        if report.whatif:
            summary += _("; what-if %(scenario)s: %(whatif)s breaches instead of %(actual)s") % {
                "scenario": report.whatif.scenario, "whatif": report.whatif_scenario, "actual": report.whatif_actual}
        summary += _(" · %(size)s KiB in %(elapsed)s s") % {"size": len(data) // 1024,
                                                           "elapsed": number(time.monotonic() - started, 1)}
        self.stderr.write(summary)
