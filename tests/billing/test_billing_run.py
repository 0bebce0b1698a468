"""The monthly invoice run: fees, add-ons, Koppeling per integration, time, pro rata,
idempotency, credit notes and gapless numbers — on the real database."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from meldpunt.billing.models import ImmutableError, Invoice, InvoiceLine
from meldpunt.billing.services import book_time, credit_invoice, run_month
from meldpunt.contracts.models import Agreement
from meldpunt.core.billing import BillingError
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 11, 2)


@pytest.fixture
def devries():
    """The demo ERP.M customer: Medium + Premium + 3 Koppelingen, since 1 January 2026."""
    call_command("load_demo")
    return Agreement.objects.get(code="ERPM-2026-0042")


def _invoice_of(agreement) -> Invoice:
    return Invoice.objects.get(organisation=agreement.organisation, kind="invoice")


def test_erpm_demo_invoice_can_be_recomputed_from_the_seed_prices(devries):
    result = run_month(month="2026-10", today=ISSUED)
    invoice = _invoice_of(devries)
    # Seed 004 prices per month: Medium 545.00 + Premium 795.00 + Koppeling 3 × 295.00 = 885.00
    # 545.00 + 795.00 + 885.00 = 2225.00 excl. VAT; VAT 21 % = 467.25; total 2692.25.
    assert (invoice.net, invoice.vat, invoice.total) == (Decimal("2225.00"), Decimal("467.25"), Decimal("2692.25"))
    lines = [(line.item, line.quantity, line.unit_price, line.amount) for line in invoice.lines.order_by("position")]
    assert lines == [
        ("medium", 1, Decimal("545.00"), Decimal("545.00")),
        ("premium", 1, Decimal("795.00"), Decimal("795.00")),
        ("koppeling", 3, Decimal("295.00"), Decimal("885.00")),
    ]
    koppeling = invoice.lines.get(item="koppeling")
    assert koppeling.description == "PrioritySupport Koppeling: Exact Online, Shopify, PostNL"  # Dutch customer
    assert koppeling.source == "2026-10 (overeenkomst ERPM-2026-0042); € 295,00 per koppeling"
    assert (invoice.currency, invoice.language, invoice.vat_rate) == ("EUR", "nl", Decimal("21.00"))
    assert invoice.number in result.invoices


def test_a_second_run_of_the_same_month_bills_nothing_new(devries):
    first = run_month(month="2026-10", today=ISSUED)
    lines = InvoiceLine.objects.count()
    second = run_month(month="2026-10", today=ISSUED)
    assert first.invoices and second.invoices == [] and second.lines == 0
    assert InvoiceLine.objects.count() == lines and Invoice.objects.count() == len(first.invoices)


def test_the_database_itself_refuses_a_fee_billed_twice(devries):
    run_month(month="2026-10", today=ISSUED)
    line = InvoiceLine.objects.get(item="medium")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(invoice=line.invoice, position=99, description="again", quantity=1,
                                   unit_price=line.unit_price, amount=line.amount, source_type="package",
                                   source="twice", agreement=line.agreement, item="medium", period=line.period)


def test_billable_time_is_billed_per_ticket_once(devries):
    ticket, _ = create_ticket(NewRequest(organisation=devries.organisation, agreement=devries, kind="advisory",
                                         subject="Rapport voorraadwaarde"))
    f.approved_proposal(ticket)
    agent = f.staff_user()
    e1 = book_time(ticket=ticket, agent=agent, minutes=45, rate="100.00", started_at=f.ams(2026, 10, 6, 10, 0)).entry
    e2 = book_time(ticket=ticket, agent=agent, minutes=15, rate="100.00", started_at=f.ams(2026, 10, 31, 23, 30)).entry
    book_time(ticket=ticket, agent=agent, minutes=30, rate="100.00", started_at=f.ams(2026, 11, 1, 0, 30))  # November
    book_time(ticket=ticket, agent=agent, minutes=90, billable=False, started_at=f.ams(2026, 10, 7, 10, 0))  # covered
    run_month(month="2026-10", today=ISSUED)
    invoice = _invoice_of(devries)
    line = invoice.lines.get(source_type="time")
    # ERP.M has no session unit: 45 + 15 = 60 minutes = 1.00 h × 100.00 = 100.00
    assert (line.quantity, line.unit_price, line.amount) == (Decimal("1.00"), Decimal("100.00"), Decimal("100.00"))
    assert line.description == f"Melding #{ticket.pk}: Rapport voorraadwaarde"
    assert line.source == f"2 tijdboekingen, 1 u gefactureerd (1 u gewerkt); tijdboekingen #{e1.pk}, #{e2.pk}"
    assert invoice.net == Decimal("2325.00")  # 2225.00 fees + 100.00 time
    november = run_month(month="2026-11", today=date(2026, 12, 1))
    assert InvoiceLine.objects.filter(source_type="time").count() == 2 and len(november.invoices) == 1


def test_time_booked_late_for_a_billed_month_comes_on_a_new_invoice(devries):
    ticket, _ = create_ticket(NewRequest(organisation=devries.organisation, agreement=devries, kind="advisory", subject="Extra"))
    f.approved_proposal(ticket)
    run_month(month="2026-10", today=ISSUED)
    book_time(ticket=ticket, agent=f.staff_user(), minutes=60, rate="100.00", started_at=f.ams(2026, 10, 20, 9, 0))
    late = run_month(month="2026-10", today=ISSUED)
    invoice = Invoice.objects.get(number=late.invoices[0])
    assert [line.source_type for line in invoice.lines.all()] == ["time"] and invoice.net == Decimal("100.00")


def test_agreements_starting_and_ending_mid_month_are_billed_pro_rata():
    org = f.organisation("Pro Rata BV")
    f.agreement(org, "erpm", "small", addons=[("koppeling", 2)], starts_on=date(2026, 10, 17))
    f.agreement(org, "erpm", "large", starts_on=date(2026, 1, 1), ends_on=date(2026, 10, 10))
    run_month(month="2026-10", today=ISSUED)
    invoice = Invoice.objects.get(organisation=org)
    got = {line.item: (line.quantity, line.unit_price, line.amount, line.source) for line in invoice.lines.all()}
    # Small 195.00 × 15/31 days (17..31 October) = 94.354… → 94.35
    assert got["small"][2] == Decimal("94.35") and got["small"][3].endswith("naar rato 15/31 dagen")
    # Koppeling 295.00 × 15/31 = 142.741… → 142.74 per integration, two integrations = 285.48
    assert got["koppeling"][:3] == (2, Decimal("142.74"), Decimal("285.48"))
    # Large 995.00 × 10/31 days (1..10 October) = 320.967… → 320.97
    assert got["large"][2] == Decimal("320.97")
    assert invoice.net == Decimal("700.80")  # 94.35 + 285.48 + 320.97
    run_month(month="2026-11", today=date(2026, 12, 1))  # November: Small in full, Large has ended
    november = {line.item: line.amount for line in InvoiceLine.objects.filter(period=date(2026, 11, 1))}
    assert november == {"small": Decimal("195.00"), "koppeling": Decimal("590.00")}


def test_credit_note_reverses_an_invoice_which_itself_never_changes(devries):
    run_month(month="2026-10", today=ISSUED)
    invoice = _invoice_of(devries)
    note = credit_invoice(invoice=invoice, reason="Premium stond niet in de offerte", today=ISSUED,
                          line_ids=[invoice.lines.get(item="premium").pk])
    assert (note.kind, note.credits, note.net, note.vat, note.total) == (
        "credit_note", invoice, Decimal("-795.00"), Decimal("-166.95"), Decimal("-961.95"))
    line = note.lines.get()
    assert line.amount == Decimal("-795.00") and line.source.startswith(f"Crediteert {invoice.number} #2")
    invoice.refresh_from_db()
    assert invoice.net == Decimal("2225.00")
    with pytest.raises(BillingError):  # each line is credited once
        credit_invoice(invoice=invoice, reason="again", line_ids=[line.credited_line_id])
    with pytest.raises(ImmutableError):
        invoice.net = Decimal("1430.00")
        invoice.save()
    with pytest.raises(ImmutableError):
        invoice.lines.first().delete()


def test_a_credited_fee_is_billed_again_by_the_next_run_of_its_month(devries):
    run_month(month="2026-10", today=ISSUED)
    invoice = _invoice_of(devries)
    credit_invoice(invoice=invoice, reason="Koppeling: twee in plaats van drie", today=ISSUED,
                   line_ids=[invoice.lines.get(item="koppeling").pk])
    addon = devries.addons.get(addon="koppeling")
    addon.quantity, addon.names = 2, ["Exact Online", "Shopify"]
    addon.save()
    again = run_month(month="2026-10", today=ISSUED)
    rebilled = Invoice.objects.get(number=again.invoices[0])
    line = rebilled.lines.get()
    assert (line.item, line.quantity, line.amount, line.revision) == ("koppeling", 2, Decimal("590.00"), 1)
    assert run_month(month="2026-10", today=ISSUED).invoices == []


def test_invoice_numbers_have_no_gaps_per_vendor_and_year(devries):
    other = f.organisation("Tweede Klant BV")
    f.agreement(other, "erpm", "small")
    run_month(month="2026-09", today=date(2026, 10, 1))
    run_month(month="2026-10", today=ISSUED)
    first = Invoice.objects.filter(vendor="erpm").order_by("id").first()
    credit_invoice(invoice=first, reason="test", today=ISSUED)
    run_month(month="2026-12", today=date(2027, 1, 4))
    by_year = {}
    for invoice in Invoice.objects.filter(vendor="erpm").order_by("id"):
        by_year.setdefault(invoice.year, []).append(invoice.sequence)
    assert by_year == {2026: [1, 2, 3, 4, 5], 2027: [1, 2]}
    assert Invoice.objects.get(vendor="erpm", year=2027, sequence=2).number == "ERPM-2027-00002"


def test_a_failed_group_gives_its_number_back(devries):
    """The counter is taken in the invoice's transaction: if that rolls back, so does the number."""
    run_month(month="2026-10", today=ISSUED)
    with pytest.raises(RuntimeError), transaction.atomic():
        org = f.organisation("Teruggedraaid BV")
        f.agreement(org, "erpm", "small")
        run_month(month="2026-11", today=date(2026, 12, 1))
        raise RuntimeError("boom")
    run_month(month="2026-11", today=date(2026, 12, 1))
    assert sorted(Invoice.objects.filter(vendor="erpm").values_list("sequence", flat=True)) == [1, 2]


def test_invoice_run_command_prints_progress_and_totals(devries):
    out = StringIO()
    call_command("invoice_run", month="2026-10", date="2026-11-02", stdout=out)
    text = out.getvalue()
    assert "Invoice run 2026-10" in text and "3/3 customers · 1 invoices · 3 lines" in text
    assert "Done: 1 invoices, 3 lines, €2,225.00 excl. VAT" in text and "ERPM-2026-00001" in text
    out = StringIO()
    call_command("invoice_run", month="2026-10", stdout=out)
    assert "Nothing new to bill." in out.getvalue()


def test_invoice_run_command_refuses_a_bad_month():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--month: '2026-13' is not a month") as refused:
        call_command("invoice_run", month="2026-13")
    assert refused.value.returncode == 2


@pytest.mark.django_db
def test_a_month_that_has_not_ended_is_refused_unless_forced_with_a_reason(caplog):
    f.agreement(f.organisation("Future BV"), "erpm", "small")
    with pytest.raises(BillingError, match="has not ended yet"):
        run_month(month="2030-01", today=date(2030, 1, 31))
    with pytest.raises(BillingError):
        run_month(month="2030-01", today=date(2030, 1, 20), force="   ")
    assert not Invoice.objects.exists()
    with caplog.at_level("WARNING", logger="meldpunt.billing.services"):
        result = run_month(month="2030-01", today=date(2030, 1, 20), force="customer leaves on the 20th")
    assert result.invoices and caplog.records[-1].reason == "customer leaves on the 20th"
    assert run_month(month="2030-01", today=date(2030, 2, 1)).invoices == []  # ended: no reason needed, nothing new


def test_invoice_run_command_refuses_an_incomplete_vendor_profile_like_the_web(devries):
    """One rule for both faces (billing.services.check_profiles): the command names what is
    missing on one line, exits non-zero and issues nothing; completed, it bills."""
    from django.core.management.base import CommandError

    from meldpunt.billing.models import VendorProfile

    profile = VendorProfile.objects.get(vendor="erpm")
    iban, profile.iban, profile.vat_number = profile.iban, "", ""
    profile.save()
    for enqueue in (False, True):
        with pytest.raises(CommandError) as refused:
            call_command("invoice_run", month="2026-10", date="2026-11-02", enqueue=enqueue, stdout=StringIO())
        message = str(refused.value)
        assert refused.value.returncode == 1 and "\n" not in message
        assert message.startswith("the invoice profile is incomplete: erpm:") and "IBAN" in message
        assert "VAT" in message
    assert not Invoice.objects.exists()
    profile.iban, profile.vat_number = iban, "NL001234567B01"
    profile.save()
    call_command("invoice_run", month="2026-10", date="2026-11-02", stdout=StringIO())
    assert Invoice.objects.filter(vendor="erpm").count() == 1


def test_the_refusal_for_an_incomplete_profile_reads_in_the_commands_language(devries):
    """Issue 21: the command's refusal names the missing fields in Dutch for a Dutch reader,
    also when the check ran in another language (the run before it is queued)."""
    from django.core.management.base import CommandError
    from django.utils import translation

    from meldpunt.billing.models import VendorProfile
    from meldpunt.billing.services import ProfileIncomplete, check_profiles
    from meldpunt.core.billing import Month

    VendorProfile.objects.filter(vendor="erpm").update(iban="", vat_number="")
    with translation.override("nl"), pytest.raises(CommandError) as refused:
        call_command("invoice_run", month="2026-10", date="2026-11-02", stdout=StringIO())
    assert str(refused.value).startswith("het factuurprofiel is onvolledig: erpm: "), str(refused.value)
    with translation.override("en"), pytest.raises(ProfileIncomplete) as raised:
        check_profiles(Month.parse("2026-10"))
    with translation.override("nl"):
        from meldpunt.contracts.catalog_words import billing_error_words
        assert billing_error_words(raised.value).startswith("het factuurprofiel is onvolledig: erpm: ")
    assert str(raised.value).startswith("the invoice profile is incomplete: erpm: ")
