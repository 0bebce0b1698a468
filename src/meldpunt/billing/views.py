"""Thin pages: coordinators list and download their organisation's invoices; vendor staff
see all, export a month for bookkeeping and book time on tickets. Another organisation's
invoice answers 404."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from meldpunt.billing.export import write_csv
from meldpunt.billing.forms import BookTimeForm
from meldpunt.billing.pdf import invoice_context, render_invoice_pdf
from meldpunt.billing.selectors import budget_state, visible_budgets, visible_invoices
from meldpunt.billing.selectors import ticket_time as ticket_time_entries
from meldpunt.billing.services import book_time
from meldpunt.contracts.selectors import is_staff
from meldpunt.core.billing import BillingError, Month, format_money
from meldpunt.tickets.models import Ticket
from meldpunt.web.access import language


def _visible(request, pk: int):
    invoice = visible_invoices(request.user).filter(pk=pk).first()
    if invoice is None:
        raise Http404("no such invoice")
    return invoice


@login_required
def invoices(request):
    lang = language()
    rows = [
        {"invoice": i, "net": format_money(i.net, i.currency, lang), "total": format_money(i.total, i.currency, lang)}
        for i in visible_invoices(request.user).order_by("-period", "-year", "-sequence")[:200]
    ]
    budgets = [{"agreement": a, "state": s} for a, s in visible_budgets(request.user)]
    return render(request, "billing/invoices.html", {"rows": rows, "budgets": budgets, "staff": is_staff(request.user)})


@login_required
def invoice(request, pk: int):
    found = _visible(request, pk)
    context = invoice_context(found)
    context["credit_notes"] = list(found.credit_notes.order_by("sequence"))
    return render(request, "billing/invoice.html", context)


@login_required
def invoice_pdf(request, pk: int):
    found = _visible(request, pk)
    response = HttpResponse(render_invoice_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.number}.pdf"'
    return response


@login_required
def export_csv(request):
    if not is_staff(request.user):
        raise Http404("no such page")
    try:
        month = Month.parse(request.GET.get("month", ""))
    except BillingError as exc:
        return HttpResponse(f"month: {exc}", status=400, content_type="text/plain; charset=utf-8")
    stream = io.StringIO()
    write_csv(visible_invoices(request.user).filter(period=month.first).order_by("vendor", "year", "sequence"), stream)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoices-{month}.csv"'
    return response


@login_required
def ticket_time(request, pk: int):
    """Staff book time on a ticket; the page lists the ticket's sessions and its budget."""
    if not is_staff(request.user):
        raise Http404("no such page")
    ticket = Ticket.objects.select_related("agreement__catalog", "organisation").filter(pk=pk).first()
    if ticket is None:
        raise Http404("no such request")
    form = BookTimeForm(request.POST or None)
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = book_time(
                ticket=ticket, agent=request.user, minutes=data["minutes"], started_at=data["started_at"],
                billable=data["billable"], rate=data["rate"], note=data["note"], allow_overrun=data["allow_overrun"],
            )
        except BillingError as exc:
            form.add_error(None, str(exc))
        else:
            warnings = booking.warnings
            form = BookTimeForm()
    return render(request, "billing/ticket_time.html", {
        "ticket": ticket, "form": form, "warnings": warnings, "entries": ticket_time_entries(ticket),
        "budget": budget_state(ticket.agreement) if ticket.agreement_id else None,
    })
