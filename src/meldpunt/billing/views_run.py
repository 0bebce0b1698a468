"""The monthly invoice run from the web, for vendor staff (issue 21 item 5): pick a month,
see per organisation what would be billed (lines, hours, amounts), then issue. The same
service as ``meldpunt invoice-run`` issues (:func:`meldpunt.billing.services.run_month`):
a month that has not ended needs a reason, and here an incomplete vendor invoice profile
refuses the run with what is missing."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meldpunt import localformat
from meldpunt.accounts.access import language, staff_required
from meldpunt.billing.forms import InvoiceRunForm
from meldpunt.billing.run_preview import preview_month
from meldpunt.billing.services import run_month
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.core.billing import BillingError, Month


def _last_month() -> Month:
    today = timezone.localdate()
    return Month(today.year - (today.month == 1), (today.month - 2) % 12 + 1)


@staff_required
def invoice_run(request):
    error, status = "", 200
    if request.method == "POST":
        form = InvoiceRunForm(request.POST)
        if form.is_valid():
            try:
                result = run_month(month=form.cleaned_data["month"], force=form.cleaned_data["reason"],
                                   require_profile=True)
            except BillingError as exc:
                error, status = billing_error_words(exc), 400
            else:
                if result.invoices:
                    messages.success(request, ngettext(
                        "%(count)d invoice issued: %(numbers)s", "%(count)d invoices issued: %(numbers)s",
                        len(result.invoices)) % {"count": len(result.invoices), "numbers": ", ".join(result.invoices)})
                else:
                    messages.info(request, _("Nothing new to bill for this month."))
                return redirect("billing:invoices")
        else:
            status = 400
    else:
        form = InvoiceRunForm(request.GET or {"month": str(_last_month())})
        if request.GET and not form.is_valid():
            status = 400
    preview = preview_month(form.cleaned_data["month"]) if form.is_valid() else None
    return render(request, "billing/run.html", {
        "form": form, "error": error, "preview": preview, **(_figures(preview) if preview else {}),
    }, status=status)


def _figures(preview) -> dict:
    """The preview's amounts in the reader's notation (``€ 1.234,50`` / ``€1,234.50``)."""
    lang = language()
    rows = [{"row": r, "net": localformat.money(r.net, r.currency, lang), "vat": localformat.money(r.vat, r.currency, lang),
             "total": localformat.money(r.total, r.currency, lang)} for r in preview.rows]
    sums = [{"currency": c, "lines": lines, "hours": hours, "net": localformat.money(net, c, lang),
             "vat": localformat.money(vat, c, lang), "total": localformat.money(total, c, lang)}
            for c, lines, hours, net, vat, total in preview.totals()]
    return {"rows": rows, "sums": sums, "month_first": preview.month.first}
