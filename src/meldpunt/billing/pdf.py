"""Invoice documents: the PDF (WeasyPrint) in the customer's language, with the vendor's
details and VAT, every line carrying where it comes from (SPEC.md §5: explainable)."""

from __future__ import annotations

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import translation

from meldpunt.billing.models import Invoice, VendorProfile
from meldpunt.billing.selectors import invoice_lines
from meldpunt.contracts.catalogs import newest_version
from meldpunt.localformat import day, money, month_words, quantity
from meldpunt.pdf import write_pdf


def vendor_details(vendor: str) -> VendorProfile:
    """The vendor's profile, or an unsaved one named after its catalog until staff fill it in."""
    profile = VendorProfile.objects.filter(vendor=vendor).first()
    if profile is not None:
        return profile
    catalog = newest_version(vendor)
    return VendorProfile(vendor=vendor, name=catalog.name if catalog else vendor)


def invoice_context(invoice: Invoice) -> dict:
    lang = invoice.language

    def fmt(value):
        return money(value, invoice.currency, lang)

    vendor = vendor_details(invoice.vendor)
    lines = [{
        "position": line.position,
        "description": line.description,
        "source": line.source,
        "quantity": quantity(line.quantity, lang),
        "unit_price": fmt(line.unit_price),
        "amount": fmt(line.amount),
    } for line in invoice_lines(invoice)]
    return {
        "invoice": invoice,
        "vendor": vendor,
        "lines": lines,
        "net": fmt(invoice.net),
        "vat": fmt(invoice.vat),
        "total": fmt(invoice.total),
        "vat_rate": quantity(invoice.vat_rate, lang),
        "period": month_words(invoice.period, lang),
        "due_on": invoice.issued_on + timedelta(days=vendor.payment_days),
        "issued": day(invoice.issued_on, lang),
        "due": day(invoice.issued_on + timedelta(days=vendor.payment_days), lang),
    }


def render_invoice_html(invoice: Invoice) -> str:
    with translation.override(invoice.language):
        return render_to_string("billing/invoice_pdf.html", invoice_context(invoice))


def render_invoice_pdf(invoice: Invoice) -> bytes:
    return write_pdf(render_invoice_html(invoice))
