"""Thin pages: coordinators list and download their organisation's invoices (PDF, UBL) and
see their budgets; vendor staff see all, export a month for bookkeeping (CSV, zip of UBL)
and book time on tickets. Another organisation's invoice answers 404."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render

from meldpunt import localformat
from meldpunt.accounts.access import language
from meldpunt.billing.export import download, write_csv
from meldpunt.billing.forms import BookTimeForm, book_from
from meldpunt.billing.models import Invoice
from meldpunt.billing.pdf import invoice_context, render_invoice_pdf
from meldpunt.billing.selectors import (
    budget_state,
    invoices_of_month,
    visible_budgets,
    visible_invoices,
    visible_proposal_budgets,
)
from meldpunt.billing.selectors import ticket_time as ticket_time_entries
from meldpunt.billing.ubl import filename, invoice_xml, month_zip
from meldpunt.billing.wording import entry_words
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.contracts.selectors import is_staff
from meldpunt.core.billing import BillingError, BudgetState, Month
from meldpunt.tickets.models import Ticket


def _visible(request, pk: int):
    invoice = visible_invoices(request.user).filter(pk=pk).first()
    if invoice is None:
        raise Http404("no such invoice")
    return invoice


@login_required
def invoices(request):
    lang = language()
    rows = [
        {"invoice": i, "net": localformat.money(i.net, i.currency, lang), "total": localformat.money(i.total, i.currency, lang)}
        for i in visible_invoices(request.user).order_by("-period", "-year", "-sequence")[:200]
    ]
    budgets = [{"agreement": a, **_budget(s, a.catalog.parsed().currency, lang)} for a, s in visible_budgets(request.user)]
    proposals = [{"proposal": p, "ticket": p.ticket, **_budget(s, p.currency, lang)}
                 for p, s in visible_proposal_budgets(request.user)]
    return render(request, "billing/invoices.html", {
        "rows": rows, "budgets": budgets, "proposals": proposals, "staff": is_staff(request.user),
    })


def _budget(state: BudgetState, currency: str, lang: str) -> dict:
    """A budget row: amounts in the reader's notation and ``level`` "over", "warning" or ""."""
    def fmt(value):
        return localformat.money(value, currency, lang)

    level = "over" if state.exceeded else "warning" if state.warning else ""
    return {"state": state, "level": level, "approved": fmt(state.approved), "booked": fmt(state.booked),
            "invoiced": fmt(state.invoiced), "remaining": fmt(state.remaining)}


@login_required
def invoice(request, pk: int):
    found = _visible(request, pk)
    context = invoice_context(found)
    context["credit_notes"] = list(found.credit_notes.order_by("sequence"))
    return render(request, "billing/invoice.html", context)


@login_required
def invoice_pdf(request, pk: int):
    found = _visible(request, pk)
    return download(render_invoice_pdf(found), "application/pdf", f"{found.number}.pdf")


@login_required
def invoice_ubl(request, pk: int):
    found = _visible(request, pk)
    return download(invoice_xml(found), "application/xml; charset=utf-8", filename(found))


def _month_export(request) -> tuple[Month, QuerySet[Invoice]]:
    """The ``month`` of a staff export and its invoices; customers get 404, a bad month a
    BillingError."""
    if not is_staff(request.user):
        raise Http404("no such page")
    month = Month.parse(request.GET.get("month", ""))
    return month, invoices_of_month(visible_invoices(request.user), month)


def _bad_month(exc: BillingError) -> HttpResponse:
    return HttpResponse(f"month: {billing_error_words(exc)}", status=400, content_type="text/plain; charset=utf-8")


@login_required
def export_csv(request):
    try:
        month, invoices = _month_export(request)
    except BillingError as exc:
        return _bad_month(exc)
    stream = io.StringIO()
    write_csv(invoices, stream)
    return download(stream.getvalue(), "text/csv; charset=utf-8", f"invoices-{month}.csv")


@login_required
def export_ubl(request):
    """The month's invoices and credit notes as a zip of UBL files, for the bookkeeping."""
    try:
        month, invoices = _month_export(request)
    except BillingError as exc:
        return _bad_month(exc)
    data, _count = month_zip(invoices)
    return download(data, "application/zip", f"invoices-{month}-ubl.zip")


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
        booking = book_from(form, ticket=ticket, agent=request.user)
        if booking is not None:
            warnings = booking.warnings
            form = BookTimeForm()
    currency = ticket.agreement.catalog.parsed().currency if ticket.agreement_id else "EUR"
    entries = list(ticket_time_entries(ticket))
    for entry in entries:  # worded now, in the agent's language
        entry.words = entry_words(entry, currency)
    return render(request, "billing/ticket_time.html", {
        "ticket": ticket, "form": form, "warnings": warnings, "entries": entries,
        "budget": budget_state(ticket.agreement) if ticket.agreement_id else None, "currency": currency,
    })
