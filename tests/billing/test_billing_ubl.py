"""UBL 2.1 e-invoices: each document read back with ElementTree and checked against the
stored invoice — namespaces, the elements EN 16931 needs, in the order the UBL schema
requires, and amounts that add up line by line and in total; a credit note references
the invoice it credits. Downloads answer 404 for another organisation, like the PDF."""

import io
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest

from meldpunt.billing.models import Invoice
from meldpunt.billing.services import book_time, credit_invoice, run_month
from meldpunt.billing.ubl import check, invoice_xml
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

ISSUED = f.OCTOBER_ISSUED
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}
#: The UBL 2.1 schema's sequence of the top-level elements used here (Invoice / CreditNote).
INVOICE_ORDER = ["CustomizationID", "ID", "IssueDate", "DueDate", "InvoiceTypeCode", "Note", "DocumentCurrencyCode",
                 "BuyerReference", "InvoicePeriod", "BillingReference", "AccountingSupplierParty",
                 "AccountingCustomerParty", "PaymentMeans", "TaxTotal", "LegalMonetaryTotal", "InvoiceLine"]
CREDIT_ORDER = ["CustomizationID", "ID", "IssueDate", "CreditNoteTypeCode", "Note", "DocumentCurrencyCode",
                "BuyerReference", "InvoicePeriod", "BillingReference", "AccountingSupplierParty",
                "AccountingCustomerParty", "TaxTotal", "LegalMonetaryTotal", "CreditNoteLine"]
LINE_ORDER = ["ID", "InvoicedQuantity", "CreditedQuantity", "LineExtensionAmount", "AllowanceCharge", "Item", "Price"]


@pytest.fixture
def billed(db):
    """The demo ERP.M customer's October: Medium + Premium + 3 Koppelingen and 1.5 h advisory."""
    return f.billed_october(vat_number="NL123456789B01", chamber_of_commerce="30123456", email="factuur@erpm.test",
                            iban="NL91 ABNA 0417 1643 00")


def parse(data: bytes) -> ET.Element:
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return ET.fromstring(data)


def text(root: ET.Element, path: str) -> str:
    found = root.find(path, NS)
    assert found is not None, path
    return found.text


def amount(root: ET.Element, path: str, currency: str = "EUR") -> Decimal:
    found = root.find(path, NS)
    assert found is not None and found.get("currencyID") == currency, path
    assert len(found.text.split(".")[1]) == 2, f"{path}: {found.text} has not two decimals"
    return Decimal(found.text)


def local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[1]


def in_schema_order(names: list[str], order: list[str]) -> bool:
    positions = [order.index(name) for name in names]
    return positions == sorted(positions)


def namespaces_used(root: ET.Element) -> set[str]:
    return {element.tag[1:].split("}")[0] for element in root.iter()}


def test_invoice_reads_back_with_the_totals_of_the_invoice(billed):
    root = parse(invoice_xml(billed))
    assert root.tag == f"{{{INVOICE_NS}}}Invoice"
    assert namespaces_used(root) == {INVOICE_NS, CAC, CBC}
    assert text(root, "cbc:CustomizationID") == "urn:cen.eu:en16931:2017"
    assert (text(root, "cbc:ID"), text(root, "cbc:InvoiceTypeCode")) == (billed.number, "380")
    assert text(root, "cbc:IssueDate") == "2026-11-02" and text(root, "cbc:DueDate") == "2026-11-16"
    assert text(root, "cbc:DocumentCurrencyCode") == "EUR" and text(root, "cbc:BuyerReference") == "ERPM-2026-0042"
    assert (text(root, "cac:InvoicePeriod/cbc:StartDate"), text(root, "cac:InvoicePeriod/cbc:EndDate")) == ("2026-10-01", "2026-10-31")
    # 545.00 + 795.00 + 3 × 295.00 + 1.5 h × 100.00 = 2375.00; VAT 21 % = 498.75; total 2873.75
    assert amount(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == billed.net == Decimal("2375.00")
    assert amount(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == billed.net
    assert amount(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == billed.total == Decimal("2873.75")
    assert amount(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == billed.total
    assert amount(root, "cac:TaxTotal/cbc:TaxAmount") == billed.vat == Decimal("498.75")
    subtotals = root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert len(subtotals) == 1 and amount(subtotals[0], "cbc:TaxableAmount") == billed.net
    assert (text(subtotals[0], "cac:TaxCategory/cbc:ID"), text(subtotals[0], "cac:TaxCategory/cbc:Percent")) == ("S", "21")
    lines = root.findall("cac:InvoiceLine", NS)
    assert [amount(line, "cbc:LineExtensionAmount") for line in lines] == [line.amount for line in billed.lines.all()]
    assert sum(amount(line, "cbc:LineExtensionAmount") for line in lines) == billed.net
    assert check(root) == []


def test_every_line_says_what_and_where_it_comes_from_and_can_be_recomputed(billed):
    lines = parse(invoice_xml(billed)).findall("cac:InvoiceLine", NS)
    got = [(text(line, "cbc:ID"), text(line, "cbc:InvoicedQuantity"), line.find("cbc:InvoicedQuantity", NS).get("unitCode"),
            text(line, "cac:Price/cbc:PriceAmount"), text(line, "cbc:LineExtensionAmount")) for line in lines]
    assert got == [("1", "1", "MON", "545.00", "545.00"), ("2", "1", "MON", "795.00", "795.00"),
                   ("3", "3", "C62", "295.00", "885.00"), ("4", "1.50", "HUR", "100.00", "150.00")]
    koppeling, time = lines[2], lines[3]
    assert text(koppeling, "cac:Item/cbc:Name") == "PrioritySupport Koppeling: Exact Online, Shopify, PostNL"
    assert text(koppeling, "cac:Item/cbc:Description") == "2026-10 (overeenkomst ERPM-2026-0042); € 295,00 per koppeling"
    assert text(koppeling, "cac:Item/cac:SellersItemIdentification/cbc:ID") == "koppeling"
    assert text(time, "cac:Item/cbc:Name").startswith("Melding #") and "Rapport voorraadwaarde" in text(time, "cac:Item/cbc:Name")
    assert "1 tijdboeking, 1 u 30 min gefactureerd" in text(time, "cac:Item/cbc:Description")
    for line in lines:
        assert in_schema_order([local(e) for e in line], LINE_ORDER)
        assert text(line, "cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cbc:ID") == "VAT"
        quantity, price = Decimal(text(line, "cbc:InvoicedQuantity")), Decimal(text(line, "cac:Price/cbc:PriceAmount"))
        assert (quantity * price).quantize(Decimal("0.01")) == Decimal(text(line, "cbc:LineExtensionAmount"))


def test_structure_namespaces_order_and_parties(billed):
    root = parse(invoice_xml(billed))
    assert in_schema_order([local(e) for e in root], INVOICE_ORDER)
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert text(seller, "cac:PartyName/cbc:Name") == "ERP.M B.V."
    assert text(seller, "cac:PartyTaxScheme/cbc:CompanyID") == "NL123456789B01"
    assert text(seller, "cac:PartyTaxScheme/cac:TaxScheme/cbc:ID") == "VAT"
    assert text(seller, "cac:PartyLegalEntity/cbc:RegistrationName") == "ERP.M B.V."
    assert text(seller, "cac:PartyLegalEntity/cbc:CompanyID") == "30123456"
    assert (text(seller, "cac:PostalAddress/cbc:StreetName"), text(seller, "cac:PostalAddress/cbc:CityName"),
            text(seller, "cac:PostalAddress/cbc:PostalZone")) == ("Stationsplein 1", "Utrecht", "3511 ED")
    assert text(seller, "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "NL"
    assert text(seller, "cac:Contact/cbc:ElectronicMail") == "factuur@erpm.test"
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert text(buyer, "cac:PartyName/cbc:Name") == "Bakkerij De Vries B.V."
    assert text(buyer, "cac:PartyLegalEntity/cbc:RegistrationName") == "Bakkerij De Vries B.V."
    assert text(buyer, "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "NL"
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "58"
    assert text(root, "cac:PaymentMeans/cbc:PaymentID") == billed.number
    assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "NL91ABNA0417164300"
    assert root.find("cac:BillingReference", NS) is None


def test_a_credit_note_references_its_invoice_with_positive_amounts(db):
    org = f.organisation("Northwind Ltd", language="en")
    f.agreement(org, "erpm", "small", addons=["migration"])
    run_month(month="2026-10", today=ISSUED)
    invoice = Invoice.objects.get(organisation=org)
    note = credit_invoice(invoice=invoice, reason="Migration cancelled", today=ISSUED + timedelta(days=1),
                          line_ids=[invoice.lines.get(item="migration").pk])
    root = parse(invoice_xml(note))
    assert root.tag == f"{{{CREDIT_NS}}}CreditNote" and namespaces_used(root) == {CREDIT_NS, CAC, CBC}
    assert in_schema_order([local(e) for e in root], CREDIT_ORDER)
    assert (text(root, "cbc:ID"), text(root, "cbc:CreditNoteTypeCode")) == (note.number, "381")
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == invoice.number
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == "2026-11-02"
    assert text(root, "cbc:Note") == "Migration cancelled"
    assert root.find("cbc:DueDate", NS) is None and root.find("cac:InvoiceLine", NS) is None
    # PriorityMigration 425.00 credited: stored −425.00 / −89.25 / −514.25, stated positive in a CreditNote
    assert note.net == Decimal("-425.00")
    assert amount(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == Decimal("425.00")
    assert amount(root, "cac:TaxTotal/cbc:TaxAmount") == Decimal("89.25")
    assert amount(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == -note.total == Decimal("514.25")
    (line,) = root.findall("cac:CreditNoteLine", NS)
    assert text(line, "cbc:CreditedQuantity") == "1" and line.find("cbc:CreditedQuantity", NS).get("unitCode") == "MON"
    assert text(line, "cac:Item/cbc:Name") == "PriorityMigration"
    assert text(line, "cac:Item/cbc:Description").startswith(f"Credits {invoice.number} #")
    assert check(root) == []


def test_time_that_makes_no_whole_cent_of_an_hour_is_stated_in_minutes_with_its_rounding(db):
    # ERP.M bills minutes as worked: 2 × 7 min at 100.00/h = 11.67 + 11.67 = 23.34, while
    # 14 min × 100.00 / 60 = 23.33; the cent from rounding each entry is a line charge.
    org = f.organisation("Contoso", language="en")
    agreement = f.agreement(org, "erpm", "small")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, kind="advisory", subject="Custom report"))
    f.approved_proposal(ticket)
    for hour in (10, 11):
        book_time(ticket=ticket, agent=f.staff_user(), minutes=7, rate="100.00", started_at=f.ams(2026, 10, 6, hour, 0))
    run_month(month="2026-10", today=ISSUED)
    root = parse(invoice_xml(Invoice.objects.get(organisation=org)))
    line = root.findall("cac:InvoiceLine", NS)[-1]
    assert (text(line, "cbc:InvoicedQuantity"), line.find("cbc:InvoicedQuantity", NS).get("unitCode")) == ("14", "MIN")
    assert text(line, "cac:Price/cbc:PriceAmount") == "100.00"
    assert (text(line, "cac:Price/cbc:BaseQuantity"), line.find("cac:Price/cbc:BaseQuantity", NS).get("unitCode")) == ("60", "MIN")
    assert text(line, "cac:AllowanceCharge/cbc:ChargeIndicator") == "true"
    assert amount(line, "cac:AllowanceCharge/cbc:Amount") == Decimal("0.01")
    assert amount(line, "cbc:LineExtensionAmount") == Decimal("23.34")
    assert text(line, "cac:Item/cbc:Name") == f"Ticket #{ticket.number}: Custom report"
    assert check(root) == []


def test_check_names_what_does_not_add_up(billed):
    root = parse(invoice_xml(billed))
    root.find("cac:InvoiceLine/cbc:LineExtensionAmount", NS).text = "545.01"
    root.find("cac:TaxTotal/cbc:TaxAmount", NS).text = "498.76"
    problems = check(root)
    assert "line 1: 545.01 is not quantity × price = 545.00" in problems
    assert "LineExtensionAmount 2375.00 does not add up to 2375.01" in problems
    assert "TaxInclusiveAmount 2873.75 does not add up to 2873.76" in problems
    root.remove(root.find("cac:LegalMonetaryTotal", NS))
    assert check(root) == ["missing cac:LegalMonetaryTotal/cbc:PayableAmount"]


# --------------------------------------------------------------------- pages
def test_coordinator_downloads_the_ubl_of_an_own_invoice(billed, client):
    client.login(username="jan", password="jan-demo-2026")
    assert f"/billing/invoices/{billed.pk}/ubl/" in client.get("/billing/").content.decode()
    assert f"/billing/invoices/{billed.pk}/ubl/" in client.get(f"/billing/invoices/{billed.pk}/").content.decode()
    response = client.get(f"/billing/invoices/{billed.pk}/ubl/")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{billed.number}.xml"'
    assert text(parse(response.content), "cbc:ID") == billed.number


def test_another_organisations_ubl_answers_404(billed, client):
    client.login(username="emma", password="emma-demo-2026")  # coordinator of Northwind, not De Vries
    assert client.get(f"/billing/invoices/{billed.pk}/ubl/").status_code == 404
    assert client.get("/billing/export-ubl.zip", {"month": "2026-10"}).status_code == 404
    client.force_login(f.contact(billed.organisation, coordinator=False).user)
    assert client.get(f"/billing/invoices/{billed.pk}/ubl/").status_code == 404
    client.logout()
    assert client.get(f"/billing/invoices/{billed.pk}/ubl/").status_code == 302


def test_staff_export_a_month_as_a_zip_of_ubl_files(billed, client):
    note = credit_invoice(invoice=billed, reason="Wrong month", today=ISSUED)
    client.login(username="agent", password="agent-demo-2026")
    assert "/billing/export-ubl.zip" in client.get("/billing/").content.decode()
    response = client.get("/billing/export-ubl.zip", {"month": "2026-10"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="invoices-2026-10-ubl.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    expected = {f"{i.number}.xml" for i in Invoice.objects.filter(period=date(2026, 10, 1))}
    assert set(archive.namelist()) == expected and {f"{billed.number}.xml", f"{note.number}.xml"} <= expected
    for name in archive.namelist():
        root = parse(archive.read(name))
        assert check(root) == [] and f"{text(root, 'cbc:ID')}.xml" == name
    assert local(parse(archive.read(f"{note.number}.xml"))) == "CreditNote"
    for bad in ("2026-13", "0000-01", ""):
        assert client.get("/billing/export-ubl.zip", {"month": bad}).status_code == 400, bad
    empty = zipfile.ZipFile(io.BytesIO(client.get("/billing/export-ubl.zip", {"month": "2025-01"}).content))
    assert empty.namelist() == []
