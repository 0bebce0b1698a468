"""The report as a PDF (WeasyPrint), charts drawn by matplotlib as SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from meldpunt.pdf import write_pdf
from meldpunt.reports.build import Report
from meldpunt.reports.charts import charts, svg_data_uri


def render_report_html(report: Report) -> str:
    with translation.override(report.language):
        figures = [(chart, svg_data_uri(chart)) for chart in charts(report)]
        return render_to_string("reports/report_pdf.html", {"r": report, "figures": figures})


def render_report_pdf(report: Report) -> bytes:
    return write_pdf(render_report_html(report))


def filename(report: Report) -> str:
    return f"evaluation-{report.organisation.pk}-{report.period}.pdf"
