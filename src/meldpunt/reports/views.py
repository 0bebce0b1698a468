"""Evaluation report pages: the list (staff), one organisation's report with charts, its PDF."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from meldpunt.accounts.access import language
from meldpunt.contracts.selectors import contact_of, is_staff
from meldpunt.core.reporting import Period, PeriodError
from meldpunt.reports import whatif
from meldpunt.reports.build import build_report, period_error_words
from meldpunt.reports.charts import charts
from meldpunt.reports.pdf import filename, render_report_pdf
from meldpunt.reports.selectors import report_organisation, report_organisations


def current_quarter() -> Period:
    today = timezone.localdate()
    return Period.parse(f"{today.year}Q{(today.month - 1) // 3 + 1}")


def _period(request) -> tuple[Period, str]:
    text = request.GET.get("period", "").strip()
    if not text:
        return current_quarter(), ""
    try:
        return Period.parse(text), ""
    except PeriodError as exc:
        return current_quarter(), period_error_words(exc)


def _scenario(request, organisation) -> tuple[whatif.Scenario | None, str]:
    if not request.GET.get("whatif"):
        return None, ""
    scenario = whatif.Scenario(request.GET.get("package") or None, tuple(request.GET.getlist("addon")))
    try:
        whatif.check(scenario, organisation)
    except whatif.ScenarioError as exc:
        return None, str(exc)
    return scenario, ""


def index(request):
    if not request.user.is_authenticated:
        raise Http404("reports")
    organisations = report_organisations(request.user)
    if not is_staff(request.user):
        contact = contact_of(request.user)
        if contact is None or not contact.is_coordinator:
            raise Http404("reports")
        return redirect("reports:report", pk=contact.organisation_id)
    return render(request, "reports/index.html", {"organisations": organisations, "period": current_quarter()})


def report(request, pk: int):
    organisation = report_organisation(request.user, pk)
    period, period_error = _period(request)
    scenario, scenario_error = _scenario(request, organisation)
    result = build_report(organisation, period, language=language(), scenario=scenario)
    return render(request, "reports/report.html", {
        "r": result, "charts": [c.chartjs() for c in charts(result)], "period_error": period_error,
        "scenario": scenario, "scenario_error": scenario_error, "options": whatif.options(organisation),
        "query": request.GET.urlencode(),
    }, status=400 if period_error or scenario_error else 200)


def report_pdf(request, pk: int):
    organisation = report_organisation(request.user, pk)
    period, period_error = _period(request)
    if period_error:
        return HttpResponse(period_error, status=400, content_type="text/plain; charset=utf-8")
    scenario, _error = _scenario(request, organisation)
    result = build_report(organisation, period, language=language(), scenario=scenario)
    response = HttpResponse(render_report_pdf(result), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename(result)}"'
    return response
