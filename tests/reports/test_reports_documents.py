"""The report as a page with charts, as a PDF read back with pdftotext, from the command line
and mailed each quarter; staff see every organisation, a coordinator only their own."""

import io
import subprocess

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.templatetags.static import static
from django.utils import translation

from meldpunt.reports.build import build_report
from meldpunt.reports.models import ReportDelivery
from meldpunt.reports.pdf import render_report_pdf
from meldpunt.reports.services import mail_quarter
from meldpunt.reports.tasks import mail_quarterly_reports
from meldpunt.reports.whatif import Scenario
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message
from tests.support import factories as f

NOW = f.ams(2026, 11, 2, 12, 0)


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["/usr/bin/pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return "\n".join(" ".join(line.split()) for line in done.stdout.decode("utf-8").splitlines())


@pytest.fixture
def reported(db, desk):
    """Alpha BV (ERP.M Small): T1 priority A answered in time, T2 priority B answered late;
    neither is resolved, so both are past their resolution times, which ERP.M calls
    indicative (seed 004): reported apart, not as breaches."""
    agent = desk["staff"]
    t1, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"],
                                     subject="Orders stuck", impact="organisation", urgency="high",
                                     received_at=f.ams(2026, 7, 6, 10, 0)))
    add_message(t1, "On it", author=agent, at=f.ams(2026, 7, 6, 11, 0))  # due 12:00: met
    t2, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_plain"],
                                     subject="Slow invoices", impact="organisation", urgency="medium",
                                     received_at=f.ams(2026, 7, 9, 16, 0)))
    add_message(t2, "Which ones?", author=agent, at=f.ams(2026, 7, 10, 13, 0))  # due Fri 12:00: 1h late
    create_ticket(NewRequest(organisation=desk["org_b"], agreement=desk["agr_b"], subject="Beta's own",
                             received_at=f.ams(2026, 7, 6, 10, 0), impact="one", urgency="low"))
    return desk


def test_pdf_shows_figures_charts_breaches_and_what_if(reported):
    report = build_report(reported["org_a"], "2026Q3", now=NOW, scenario=Scenario(None, ("premium",)))
    data = render_report_pdf(report)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in ("Evaluation report: Alpha BV", "Period 2026Q3", "Tickets opened 2", "Tickets closed 0",
                     "Response times met 50.0% (1/2)", "SLA attainment per priority (%)", "Open tickets by age",
                     "Who submitted what", "Breaches and why", "Slow invoices", "Indicative times",
                     "1h business time late", "Calendar: Workdays 09:00–17:00",
                     "Due: Friday 10 July 2026 12:00 (the earliest moment the business time has passed)",
                     "What if: current package + premium", "Breaches: 1 as it was, 1 under this scenario."):
        assert expected in text, expected
    assert "Beta's own" not in text and "still running" not in text  # the indicative times are no breaches


def test_pdf_in_dutch(reported):
    report = build_report(reported["org_a"], "2026Q3", now=NOW, language="nl")
    text = pdf_text(render_report_pdf(report))
    assert "Evaluatierapport: Alpha BV" in text and "Meldingen geopend 2" in text
    assert "Kalender: Werkdagen 09:00–17:00" in text
    assert "Indicatieve tijden" in text and "Binnen de indicatieve tijd" in text


def test_page_has_chart_js_charts_and_the_what_if(reported, client):
    client.force_login(reported["staff"])
    page = client.get(f"/reports/{reported['org_a'].pk}/", {"period": "2026Q3", "whatif": "1", "addon": "premium"})
    assert page.status_code == 200
    assert static("vendor/chartjs/chart.umd.min.js") in page.text and 'id="report-charts"' in page.text
    for chart in ("attainment", "aging", "workload", "submitters", "time", "whatif"):
        assert f'id="chart-{chart}"' in page.text, chart
    assert "What if: current package + premium" in page.text
    pdf = client.get(f"/reports/{reported['org_a'].pk}/pdf/", {"period": "2026Q3"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(f"/reports/{reported['org_a'].pk}/", {"period": "2026Q9"}).status_code == 400
    bad = client.get(f"/reports/{reported['org_a'].pk}/", {"period": "2026Q3", "whatif": "1", "package": "mega"})
    assert bad.status_code == 400 and "no package" in bad.text


def test_coordinators_see_their_own_organisation_only(reported, client):
    a, b = reported["org_a"].pk, reported["org_b"].pk
    client.force_login(reported["a_coord"].user)
    assert client.get(f"/reports/{a}/", {"period": "2026Q3"}).status_code == 200
    assert client.get(f"/reports/{b}/", {"period": "2026Q3"}).status_code == 404
    assert client.get(f"/reports/{b}/pdf/", {"period": "2026Q3"}).status_code == 404
    assert client.get("/reports/").status_code == 302
    client.force_login(reported["a_plain"].user)
    assert client.get(f"/reports/{a}/").status_code == 404
    assert client.get("/reports/").status_code == 404
    client.logout()
    assert client.get(f"/reports/{a}/").status_code == 404
    client.force_login(reported["staff"])
    listing = client.get("/reports/")
    assert "Alpha BV" in listing.text and "Beta BV" in listing.text


def test_report_command_writes_the_pdf_with_progress(reported, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "q3.pdf"
    call_command("report", organisation=reported["org_a"].pk, period="2026Q3", output=str(target),
                 language="en", addon=["premium"], stdout=out, stderr=err)
    assert out.getvalue().strip() == str(target)
    assert "Evaluation report: Alpha BV" in pdf_text(target.read_bytes())
    progress = err.getvalue()
    assert "tickets …" in progress and "PDF …" in progress and "2 opened, 0 closed" in progress
    with pytest.raises(CommandError, match="--period"):
        call_command("report", organisation=reported["org_a"].pk, period="Q3", stderr=io.StringIO())
    with pytest.raises(CommandError, match="--organisation"):
        call_command("report", organisation=999999, period="2026Q3", stderr=io.StringIO())
    err = io.StringIO()  # `meldpunt report` from a Dutch shell: its own lines in Dutch (the PDF: --language)
    with translation.override("nl"):
        call_command("report", organisation=reported["org_a"].pk, period="2026Q3", output=str(target),
                     language="en", stdout=io.StringIO(), stderr=err)
    assert "klokken …" in err.getvalue() and "pdf …" in err.getvalue() and "2 geopend, 0 gesloten" in err.getvalue()
    assert "Evaluation report: Alpha BV" in pdf_text(target.read_bytes())


def test_quarterly_task_mails_each_coordinator_once(reported, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after the commit
        result = mail_quarterly_reports.enqueue(today="2026-10-01")
    assert result.return_value["period"] == "2026Q3"
    assert sorted(result.return_value["sent"]) == ["Alpha BV", "Beta BV"]
    by_to = {m.to[0]: m for m in mail.outbox}
    message = by_to[reported["a_coord"].email]
    assert message.subject == "Evaluatierapport 2026Q3 – Alpha BV"  # the coordinator reads Dutch
    (name, content, mimetype), = message.attachments
    assert name.endswith("-2026Q3.pdf") and mimetype == "application/pdf"
    assert "Alpha BV" in pdf_text(content)
    assert mail_quarter(period="2026Q3").sent == []  # already sent this quarter
    assert ReportDelivery.objects.count() == 2 and len(mail.outbox) == 2


def test_pdfs_share_one_font_configuration_so_a_long_running_process_stays_flat():
    # WeasyPrint otherwise builds (and never frees) fontconfig state per document; see meldpunt.pdf.
    from meldpunt.pdf import _fonts, write_pdf

    first = write_pdf("<p>Één</p>")
    second = write_pdf("<p>Twee</p>")
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    assert _fonts.cache_info().currsize == 1 and _fonts.cache_info().hits >= 1
