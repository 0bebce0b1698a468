"""UBL 2.1 e-invoices: an invoice as an OASIS ``Invoice`` document, a credit note as a
``CreditNote``, with the EN 16931 core fields (the semantic model Peppol BIS Billing 3.0
builds on) that the desk holds. Standard library only (``xml.etree.ElementTree``).

Amounts are the stored ones, written with a dot and two decimals; a credit note states
them positive (the document type says it is a credit). Every line can be recomputed:
line amount = quantity × price ÷ base quantity, plus a line charge or allowance named
"Rounding" where time entries were rounded to cents one by one. :func:`check` reads a
document back and lists what does not add up; :func:`invoice_xml` refuses to hand out a
document that does not. Item names and descriptions follow the invoice's language (they
are stored on its lines); everything else is language-neutral codes.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from meldpunt.billing.models import Invoice, InvoiceLine
from meldpunt.billing.pdf import vendor_details
from meldpunt.billing.selectors import invoice_lines
from meldpunt.core.billing import Month, hours, money

ROOT_NS = {
    "invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "credit_note": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017"  # BT-24: the EN 16931 core
DEFAULT_COUNTRY = "NL"  # the desk's vendors are Dutch; used where no VAT number names the country
SEPA_CREDIT_TRANSFER = "58"
ET.register_namespace("cac", CAC)
ET.register_namespace("cbc", CBC)


class UblError(ValueError):
    """A document whose amounts do not add up; it is never handed out."""


@dataclass(frozen=True)
class UblLine:
    position: int
    quantity: Decimal
    unit: str  # UN/ECE Rec. 20: MON month, C62 one, HUR hour, MIN minute
    base_quantity: Decimal
    price: Decimal
    amount: Decimal
    name: str
    description: str
    item: str

    @property
    def rounding(self) -> Decimal:
        """What per-entry rounding to cents adds to quantity × price (usually nothing)."""
        return self.amount - money(self.quantity * self.price / self.base_quantity)


# ------------------------------------------------------------------ lines
def _fee_unit(line: InvoiceLine, basis: InvoiceLine) -> str:
    if basis.source_type == "addon" and line.agreement is not None:
        addon = line.agreement.catalog.parsed().addons.get(basis.item)
        if addon is not None and addon.unit != "month":
            return "C62"  # per integration (Koppeling): the quantity counts them
    return "MON"


def ubl_line(line: InvoiceLine, sign: int) -> UblLine:
    """One stored line as UBL states it; ``sign`` -1 turns a credit note's lines positive."""
    basis = line.credited_line or line  # a credit line is measured like the line it credits
    amount, quantity = money(sign * line.amount), sign * line.quantity
    unit, base = _fee_unit(line, basis), Decimal(1)
    if basis.source_type == "time":
        billed = sum(row.entry.billed_minutes for row in basis.entries.select_related("entry"))
        unit = "HUR"
        if billed and hours(billed) * 60 == billed:
            quantity = hours(billed) if quantity >= 0 else -hours(billed)
        elif billed:  # minutes that make no whole cent of an hour: bill minutes at the hourly price
            unit, base = "MIN", Decimal(60)
            quantity = Decimal(billed) if quantity >= 0 else Decimal(-billed)
    return UblLine(line.position, quantity, unit, base, line.unit_price, amount, line.description, line.source,
                   basis.item)


# ------------------------------------------------------------------ writing
def _el(parent: ET.Element, tag: str, text=None, **attrs) -> ET.Element:
    prefix, name = tag.split(":")
    element = ET.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrs)
    if text is not None:
        element.text = str(text)
    return element


def _amount(parent: ET.Element, tag: str, value: Decimal, currency: str) -> ET.Element:
    value = money(value)
    return _el(parent, tag, f"{abs(value) if value == 0 else value:.2f}", currencyID=currency)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def _country(vat_number: str) -> str:
    found = re.match(r"\s*([A-Za-z]{2})", vat_number or "")
    code = found[1].upper() if found else DEFAULT_COUNTRY
    return {"EL": "GR", "XI": "GB"}.get(code, code)  # VAT prefixes that are not ISO 3166 codes


def _tax_category(parent: ET.Element, tag: str, rate: Decimal) -> None:
    category = _el(parent, tag)
    _el(category, "cbc:ID", "S" if rate > 0 else "Z")  # UNCL 5305: standard rate, or zero rated
    _el(category, "cbc:Percent", _number(rate))
    _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def _address(party: ET.Element, text: str, country: str) -> None:
    address = _el(party, "cac:PostalAddress")
    rows = [row.strip() for row in (text or "").splitlines() if row.strip()]
    city = next((re.fullmatch(r"(\d{4} ?[A-Z]{2})\s+(.+)", row) for row in rows[1:2]), None)
    if rows:
        _el(address, "cbc:StreetName", rows[0])
    if city:
        _el(address, "cbc:CityName", city[2])
        _el(address, "cbc:PostalZone", city[1])
    for row in rows[2 if city else 1:]:
        _el(_el(address, "cac:AddressLine"), "cbc:Line", row)
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", country)


def _supplier(root: ET.Element, invoice: Invoice):
    vendor = vendor_details(invoice.vendor)
    country = _country(vendor.vat_number)
    party = _el(_el(root, "cac:AccountingSupplierParty"), "cac:Party")
    _el(_el(party, "cac:PartyName"), "cbc:Name", vendor.name)
    _address(party, vendor.address, country)
    if vendor.vat_number:
        scheme = _el(party, "cac:PartyTaxScheme")
        _el(scheme, "cbc:CompanyID", vendor.vat_number.replace(" ", ""))
        _el(_el(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _el(party, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", vendor.name)
    if vendor.chamber_of_commerce:
        _el(legal, "cbc:CompanyID", vendor.chamber_of_commerce, **({"schemeID": "0106"} if country == "NL" else {}))
    if vendor.email:
        _el(_el(party, "cac:Contact"), "cbc:ElectronicMail", vendor.email)
    return vendor


def _customer(root: ET.Element, invoice: Invoice, country: str) -> None:
    organisation = invoice.organisation
    party = _el(_el(root, "cac:AccountingCustomerParty"), "cac:Party")
    _el(_el(party, "cac:PartyName"), "cbc:Name", organisation.name)
    _address(party, "", country)
    _el(_el(party, "cac:PartyLegalEntity"), "cbc:RegistrationName", organisation.name)
    coordinator = organisation.contacts.filter(is_coordinator=True).order_by("id").first()
    if coordinator is not None:
        contact = _el(party, "cac:Contact")
        _el(contact, "cbc:Name", coordinator.name)
        _el(contact, "cbc:ElectronicMail", coordinator.email)


def build(invoice: Invoice) -> ET.Element:
    """The UBL document of ``invoice`` (an Invoice, or a CreditNote for a credit note)."""
    credit = invoice.kind == "credit_note"
    sign, currency = (-1 if credit else 1), invoice.currency
    stored = list(invoice_lines(invoice).select_related("agreement__catalog"))
    lines = [ubl_line(line, sign) for line in stored]
    # The root's namespace is written as a plain xmlns attribute: ElementTree's default_namespace
    # option refuses unqualified attributes such as currencyID.
    root = ET.Element("CreditNote" if credit else "Invoice", {"xmlns": ROOT_NS[invoice.kind]})
    _el(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    _el(root, "cbc:ID", invoice.number)
    _el(root, "cbc:IssueDate", invoice.issued_on.isoformat())
    vendor = vendor_details(invoice.vendor)
    if not credit:  # UBL's CreditNote has no due date: it is settled against the invoice
        _el(root, "cbc:DueDate", (invoice.issued_on + timedelta(days=vendor.payment_days)).isoformat())
    _el(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", "381" if credit else "380")
    if invoice.reason:
        _el(root, "cbc:Note", invoice.reason)
    _el(root, "cbc:DocumentCurrencyCode", currency)
    codes = sorted({line.agreement.code for line in stored if line.agreement_id})
    if codes:
        _el(root, "cbc:BuyerReference", ", ".join(codes))
    period = _el(root, "cac:InvoicePeriod")
    _el(period, "cbc:StartDate", invoice.period.isoformat())
    _el(period, "cbc:EndDate", Month.of(invoice.period).last.isoformat())
    if invoice.credits is not None:
        reference = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _el(reference, "cbc:ID", invoice.credits.number)
        _el(reference, "cbc:IssueDate", invoice.credits.issued_on.isoformat())
    _supplier(root, invoice)
    _customer(root, invoice, _country(vendor.vat_number))
    if vendor.iban and not credit:
        means = _el(root, "cac:PaymentMeans")
        _el(means, "cbc:PaymentMeansCode", SEPA_CREDIT_TRANSFER)
        _el(means, "cbc:PaymentID", invoice.number)
        _el(_el(means, "cac:PayeeFinancialAccount"), "cbc:ID", vendor.iban.replace(" ", ""))
    net, vat, total = money(sign * invoice.net), money(sign * invoice.vat), money(sign * invoice.total)
    tax = _el(root, "cac:TaxTotal")
    _amount(tax, "cbc:TaxAmount", vat, currency)
    subtotal = _el(tax, "cac:TaxSubtotal")  # one VAT rate per invoice: the catalog's, on the net total
    _amount(subtotal, "cbc:TaxableAmount", net, currency)
    _amount(subtotal, "cbc:TaxAmount", vat, currency)
    _tax_category(subtotal, "cac:TaxCategory", invoice.vat_rate)
    totals = _el(root, "cac:LegalMonetaryTotal")
    _amount(totals, "cbc:LineExtensionAmount", sum((line.amount for line in lines), Decimal("0.00")), currency)
    _amount(totals, "cbc:TaxExclusiveAmount", net, currency)
    _amount(totals, "cbc:TaxInclusiveAmount", total, currency)
    _amount(totals, "cbc:PayableAmount", total, currency)
    for line in lines:
        _write_line(root, line, credit, currency, invoice.vat_rate)
    return root


def _write_line(root: ET.Element, line: UblLine, credit: bool, currency: str, vat_rate: Decimal) -> None:
    row = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    _el(row, "cbc:ID", line.position)
    _el(row, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity", _number(line.quantity), unitCode=line.unit)
    _amount(row, "cbc:LineExtensionAmount", line.amount, currency)
    if line.rounding:
        charge = _el(row, "cac:AllowanceCharge")
        _el(charge, "cbc:ChargeIndicator", "true" if line.rounding > 0 else "false")
        _el(charge, "cbc:AllowanceChargeReason", "Rounding")
        _amount(charge, "cbc:Amount", abs(line.rounding), currency)
    item = _el(row, "cac:Item")
    _el(item, "cbc:Description", line.description)
    _el(item, "cbc:Name", line.name)
    if line.item:
        _el(_el(item, "cac:SellersItemIdentification"), "cbc:ID", line.item)
    _tax_category(item, "cac:ClassifiedTaxCategory", vat_rate)
    price = _el(row, "cac:Price")
    _amount(price, "cbc:PriceAmount", line.price, currency)
    if line.base_quantity != 1:
        _el(price, "cbc:BaseQuantity", _number(line.base_quantity), unitCode=line.unit)


# ------------------------------------------------------------------ reading back
def _money(element: ET.Element | None) -> Decimal:
    return Decimal(element.text) if element is not None and element.text else Decimal("NaN")


def check(root: ET.Element) -> list[str]:
    """What does not add up in a parsed UBL Invoice or CreditNote (empty when all is consistent)."""
    credit = root.tag == f"{{{ROOT_NS['credit_note']}}}CreditNote"
    if not credit and root.tag != f"{{{ROOT_NS['invoice']}}}Invoice":
        return [f"{root.tag} is no UBL 2.1 Invoice or CreditNote"]
    name = "CreditNote" if credit else "Invoice"
    problems = [f"missing {tag}" for tag in (
        "cbc:CustomizationID", "cbc:ID", "cbc:IssueDate", f"cbc:{name}TypeCode", "cbc:DocumentCurrencyCode",
        "cac:AccountingSupplierParty/cac:Party", "cac:AccountingCustomerParty/cac:Party", "cac:TaxTotal/cbc:TaxAmount",
        "cac:LegalMonetaryTotal/cbc:PayableAmount", f"cac:{name}Line",
    ) if root.find(tag, NS) is None]
    if problems:
        return problems
    total_lines = Decimal("0.00")
    for row in root.findall(f"cac:{name}Line", NS):
        quantity = Decimal(row.find(f"cbc:{'Credited' if credit else 'Invoiced'}Quantity", NS).text)
        base = row.find("cac:Price/cbc:BaseQuantity", NS)
        expected = money(quantity * _money(row.find("cac:Price/cbc:PriceAmount", NS)) / Decimal(base.text if base is not None else 1))
        for charge in row.findall("cac:AllowanceCharge", NS):
            amount = _money(charge.find("cbc:Amount", NS))
            expected += amount if charge.find("cbc:ChargeIndicator", NS).text == "true" else -amount
        amount = _money(row.find("cbc:LineExtensionAmount", NS))
        if amount != expected:
            problems.append(f"line {row.find('cbc:ID', NS).text}: {amount} is not quantity × price = {expected}")
        total_lines += amount
    totals = {tag: _money(root.find(f"cac:LegalMonetaryTotal/cbc:{tag}", NS)) for tag in (
        "LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount")}
    tax = _money(root.find("cac:TaxTotal/cbc:TaxAmount", NS))
    subtotals = root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    for what, got, want in (
        ("LineExtensionAmount", totals["LineExtensionAmount"], total_lines),
        ("TaxExclusiveAmount", totals["TaxExclusiveAmount"], totals["LineExtensionAmount"]),
        ("TaxInclusiveAmount", totals["TaxInclusiveAmount"], totals["TaxExclusiveAmount"] + tax),
        ("PayableAmount", totals["PayableAmount"], totals["TaxInclusiveAmount"]),
        ("TaxAmount", tax, sum((_money(s.find("cbc:TaxAmount", NS)) for s in subtotals), Decimal("0.00"))),
        ("TaxableAmount", totals["TaxExclusiveAmount"],
         sum((_money(s.find("cbc:TaxableAmount", NS)) for s in subtotals), Decimal("0.00"))),
    ):
        if got != want:
            problems.append(f"{what} {got} does not add up to {want}")
    return problems


# ------------------------------------------------------------------ documents
def invoice_xml(invoice: Invoice) -> bytes:
    """The UBL document as UTF-8 bytes, read back and checked to add up before it is handed out."""
    root = build(invoice)
    ET.indent(root)
    document = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    problems = check(ET.fromstring(document))
    if problems:
        raise UblError(f"{invoice.number}: " + "; ".join(problems))
    return document


def filename(invoice: Invoice) -> str:
    return f"{invoice.number}.xml"


def month_zip(invoices: Iterable[Invoice]) -> tuple[bytes, int]:
    """A zip of one UBL file per invoice and credit note; returns the bytes and the count."""
    buffer, count = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            info = zipfile.ZipInfo(filename(invoice), date_time=(*invoice.issued_on.timetuple()[:3], 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, invoice_xml(invoice))
            count += 1
    return buffer.getvalue(), count
