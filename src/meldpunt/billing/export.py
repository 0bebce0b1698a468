"""CSV export for the vendor's bookkeeping: one row per invoice line, with the invoice's
totals repeated, columns named after their UBL (EN 16931) elements so the file maps onto
an e-invoice without guessing. Amounts use a dot and two decimals; credit notes are type
381 with negative amounts."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import HttpResponse

from meldpunt.billing.models import Invoice

COLUMNS = [
    "ID", "InvoiceTypeCode", "IssueDate", "BillingPeriod", "DocumentCurrencyCode", "BillingReference",
    "SellerID", "BuyerName", "LineID", "Description", "InvoicedQuantity", "PriceAmount",
    "LineExtensionAmount", "SourceType", "Source", "TaxPercent", "TaxExclusiveAmount", "TaxAmount",
    "TaxInclusiveAmount",
]
TYPE_CODES = {"invoice": "380", "credit_note": "381"}


def download(data: bytes | str, content_type: str, name: str) -> HttpResponse:
    """A document handed out as a file (PDF, UBL, CSV, zip): pages and API alike."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def rows(invoices: Iterable[Invoice]) -> Iterator[list[str]]:
    yield COLUMNS
    for invoice in invoices:
        head = [
            invoice.number, TYPE_CODES[invoice.kind], invoice.issued_on.isoformat(), invoice.period.strftime("%Y-%m"),
            invoice.currency, invoice.credits.number if invoice.credits else "", invoice.vendor, invoice.organisation.name,
        ]
        tail = [str(invoice.vat_rate), str(invoice.net), str(invoice.vat), str(invoice.total)]
        for line in invoice.lines.order_by("position"):
            yield [*head, str(line.position), line.description, str(line.quantity), str(line.unit_price),
                   str(line.amount), line.source_type, line.source, *tail]


def write_csv(invoices: Iterable[Invoice], stream) -> int:
    """Write the rows to a text stream; returns the number of invoice lines written."""
    writer = csv.writer(stream)
    count = -1
    for row in rows(invoices):
        writer.writerow(row)
        count += 1
    return count
