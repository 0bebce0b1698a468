"""Invoice documents and pages: the PDF read back with pdftotext, the bookkeeping CSV, the
portal list for coordinators, other organisations' invoices answering 404, the worker."""

import csv
import io
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command

from meldpunt.billing.models import Invoice
from meldpunt.billing.pdf import render_invoice_pdf
from meldpunt.billing.services import credit_invoice, run_month
from meldpunt.billing.tasks import invoice_month
from tests.support import factories as f

ISSUED = f.OCTOBER_ISSUED


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["/usr/bin/pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.fixture
def billed(db):
    return f.billed_october(vat_number="NL123456789B01", iban="NL91ABNA0417164300")


def test_pdf_shows_lines_totals_vat_and_vendor_in_dutch(billed):
    text = pdf_text(render_invoice_pdf(billed))
    assert f"Factuur {billed.number}" in text
    for expected in ("ERP.M B.V.", "Btw-nummer: NL123456789B01", "IBAN: NL91ABNA0417164300", "Bakkerij De Vries B.V.",
                     "PrioritySupport Medium", "PrioritySupport Premium", "Exact Online, Shopify, PostNL",
                     "€ 295,00 per koppeling", "Rapport voorraadwaarde", "Factuurdatum", "2 november 2026", "Vervaldatum",
                     "16 november 2026", "oktober 2026"):
        assert expected in text, expected
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # 545.00 + 795.00 + 3 × 295.00 + 1.5 h × 100.00 = 2375.00; VAT 21 % = 498.75; total 2873.75
    assert "3 € 295,00 € 885,00" in " | ".join(lines)
    assert "Totaal excl. btw € 2.375,00" in lines
    assert "Btw 21% € 498,75" in lines
    assert "Totaal incl. btw € 2.873,75" in lines
    assert any("Gelieve € 2.873,75 vóór 16 november 2026" in line for line in lines)


def test_pdf_of_an_english_credit_note(db):
    org = f.organisation("Northwind Ltd", language="en")
    f.agreement(org, "erpm", "small", addons=["migration"])
    run_month(month="2026-10", today=ISSUED)
    note = credit_invoice(invoice=Invoice.objects.get(organisation=org), reason="Migration cancelled", today=ISSUED,
                          line_ids=[Invoice.objects.get(organisation=org).lines.get(item="migration").pk])
    lines = [" ".join(line.split()) for line in pdf_text(render_invoice_pdf(note)).splitlines()]
    assert f"Credit note {note.number}" in lines
    assert "Reason Migration cancelled" in lines
    # PriorityMigration 425.00 credited: −425.00, VAT 21 % −89.25, total −514.25
    assert any("2 November 2026" in line for line in lines) and any("October 2026" in line for line in lines)  # British
    assert "Total excl. VAT -€425.00" in lines and "VAT 21% -€89.25" in lines and "Total incl. VAT -€514.25" in lines


def test_pdf_lines_of_an_english_customer_read_english(db):
    """Issue 21: the lines are worded by the billing app in the customer's language (the Dutch
    twin is the first test above): the add-on's unit, the ticket and its time entries."""
    from meldpunt.billing.services import book_time
    from meldpunt.tickets.registration import create_ticket
    from meldpunt.tickets.requests import NewRequest

    org = f.organisation("Northwind Ltd", language="en")
    agreement = f.agreement(org, "erpm", "small", addons=[("koppeling", 2)])
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, kind="advisory", subject="Stock report"))
    f.approved_proposal(ticket)
    book_time(ticket=ticket, agent=f.staff_user(), minutes=75, rate="100.00", started_at=f.ams(2026, 10, 6, 10, 0))
    run_month(month="2026-10", today=ISSUED)
    text = " ".join(pdf_text(render_invoice_pdf(Invoice.objects.get(organisation=org))).split())
    for expected in ("€295.00 per integration", f"Ticket #{ticket.number}: Stock report",
                     "1 time entry,", "15 min worked); time entry #"):  # the layout may wrap in between
        assert expected in text, expected
    for dutch in ("koppeling", "Melding", "tijdboeking", "overeenkomst"):
        assert dutch not in text, dutch


def test_csv_export_has_one_row_per_line_with_ubl_names(billed, client):
    staff = f.staff_user()
    client.force_login(staff)
    response = client.get("/billing/export.csv", {"month": "2026-10"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["LineExtensionAmount"] for r in rows] == ["545.00", "795.00", "885.00", "150.00"]
    assert {r["ID"] for r in rows} == {billed.number} and rows[0]["InvoiceTypeCode"] == "380"
    assert rows[0]["TaxExclusiveAmount"] == "2375.00" and rows[0]["TaxInclusiveAmount"] == "2873.75"
    assert client.get("/billing/export.csv", {"month": "oktober"}).status_code == 400


def test_invoice_export_command_writes_the_month(billed):
    out = io.StringIO()
    call_command("invoice_export", month="2026-10", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("ID,InvoiceTypeCode,IssueDate")
    assert len(out.getvalue().splitlines()) == 5


# --------------------------------------------------------------------- pages
def test_coordinator_lists_and_downloads_own_invoices(billed, client):
    client.login(username="jan", password="jan-demo-2026")
    html = client.get("/billing/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Facturen" in html and billed.number in html and "€ 2.873,75" in html
    page = client.get(f"/billing/invoices/{billed.pk}/").content.decode()
    assert "PrioritySupport Koppeling: Exact Online, Shopify, PostNL" in page and "€ 295,00 per koppeling" in page
    response = client.get(f"/billing/invoices/{billed.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Totaal incl. btw" in pdf_text(response.content)


def test_other_organisations_invoices_answer_404(billed, client):
    client.login(username="emma", password="emma-demo-2026")  # coordinator of Northwind, not De Vries
    assert billed.number not in client.get("/billing/").content.decode()
    assert client.get(f"/billing/invoices/{billed.pk}/").status_code == 404
    assert client.get(f"/billing/invoices/{billed.pk}/pdf/").status_code == 404
    assert client.get("/billing/invoices/99999999/").status_code == 404
    assert client.get("/billing/export.csv", {"month": "2026-10"}).status_code == 404


def test_plain_contacts_see_no_invoices(billed, client):
    plain = f.contact(billed.organisation, coordinator=False, username="kees")
    client.force_login(plain.user)
    assert client.get(f"/billing/invoices/{billed.pk}/").status_code == 404
    assert "No invoices." in client.get("/billing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_staff_see_every_invoice_and_anonymous_must_log_in(billed, client):
    response = client.get("/billing/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.login(username="agent", password="agent-demo-2026")
    assert billed.number in client.get("/billing/").content.decode()
    assert client.get(f"/billing/invoices/{billed.pk}/").status_code == 200


def test_admin_lists_invoices_in_dutch(billed, client):
    client.login(username="agent", password="agent-demo-2026")
    html = client.get("/admin/billing/invoice/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert billed.number in html and "Facturen" in html
    page = client.get(f"/admin/billing/invoice/{billed.pk}/change/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Waar het vandaan komt" in page and "Factuurregels" in page
    for url in ("timeentry/", "budget/", "budget/add/", "vendorprofile/", "vendorprofile/add/"):
        assert client.get(f"/admin/billing/{url}").status_code == 200, url
    assert client.get("/admin/billing/invoice/add/").status_code == 403  # invoices come from the run


# -------------------------------------------------------------------- worker
@pytest.mark.django_db(transaction=True)
def test_invoice_run_on_the_database_worker():
    org = f.organisation("Worker BV")
    f.agreement(org, "erpm", "medium", addons=["premium", ("koppeling", 3)])
    result = invoice_month.enqueue(month="2026-10", today="2026-11-02")
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value["net"] == {"EUR": "2225.00"}  # 545 + 795 + 3 × 295
    assert Invoice.objects.get(organisation=org).total == Decimal("2692.25")
