"""Booking time on tickets: the catalog's session rules, coverage, rates and budgets."""

from decimal import Decimal

import pytest
from django.utils import translation

from meldpunt.billing.models import Budget, ImmutableError, TimeEntry
from meldpunt.billing.selectors import budget_state
from meldpunt.billing.services import BudgetExceeded, book_time, run_month
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.core.billing import BillingError, ConsultantRequestRequired, Month
from meldpunt.tickets.models import TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def invantive():
    org = f.organisation("Northwind", language="en")
    agreement = f.agreement(org, "invantive", "subscription")
    question, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, kind="question", subject="How do I join two tables?"))
    incident, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, kind="incident", subject="itgenclr073 on refresh"))
    return {"org": org, "agreement": agreement, "question": question, "incident": incident, "agent": f.staff_user()}


def test_a_one_minute_session_bills_30_minutes(invantive):
    booking = book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=1, rate="120.00")
    entry = TimeEntry.objects.get(pk=booking.entry.pk)
    assert (entry.billable, entry.minutes, entry.billed_minutes, entry.amount) == (True, 1, 30, Decimal("60.00"))


def test_a_31_minute_session_bills_60_minutes(invantive):
    entry = book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=31, rate="120.00").entry
    entry.refresh_from_db()
    assert (entry.billed_minutes, entry.amount, entry.unit_minutes) == (60, Decimal("120.00"), 30)


def test_a_four_hour_session_is_refused_and_must_become_a_consultant_request(invantive):
    with pytest.raises(ConsultantRequestRequired) as refused:
        book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=240, rate="120.00")
    assert "register it as a consultant request" in str(refused.value)
    assert not TimeEntry.objects.exists()
    assert book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=239, rate="120.00").entry.billed_minutes == 240


def test_time_on_a_consultant_request_may_run_longer(invantive):
    consultant, _ = create_ticket(NewRequest(organisation=invantive["org"], agreement=invantive["agreement"], kind="consultant",
                                             subject="Two-day data warehouse workshop"))
    entry = book_time(ticket=consultant, agent=invantive["agent"], minutes=480, rate="120.00").entry
    assert (entry.billable, entry.billed_minutes, entry.amount) == (True, 480, Decimal("960.00"))


def test_work_on_a_covered_incident_is_covered_and_not_rounded(invantive):
    entry = book_time(ticket=invantive["incident"], agent=invantive["agent"], minutes=300).entry
    assert (entry.billable, entry.billed_minutes, entry.rate, entry.amount) == (False, 0, None, Decimal("0.00"))


def test_billable_time_without_any_rate_is_refused(invantive):
    # The Invantive preset publishes no hourly rate ("0.00"); billing nothing silently would be wrong.
    with pytest.raises(BillingError, match="no hourly rate"):
        book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=30)


def test_bad_minutes_are_refused(invantive):
    for bad in (0, -5, 1.5):
        with pytest.raises(BillingError):
            book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=bad, rate="120.00")


def test_booking_is_written_to_the_ticket_history(invantive):
    book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=31, rate="120.00", note="explained joins")
    event = TicketEvent.objects.get(ticket=invantive["question"], kind="time")
    assert event.data["billed_minutes"] == 60 and event.data["amount"] == "120.00"


def test_erpm_bills_minutes_as_worked_at_the_given_rate():
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "medium")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, kind="advisory", subject="Custom report design"))
    f.approved_proposal(ticket)
    entry = book_time(ticket=ticket, agent=f.staff_user(), minutes=31, rate="90.00").entry
    assert (entry.billable, entry.billed_minutes, entry.amount) == (True, 31, Decimal("46.50"))


# ------------------------------------------------------------------- budget
def test_budget_warns_before_it_is_exceeded_and_refuses_a_silent_overrun(invantive):
    Budget.objects.create(agreement=invantive["agreement"], approved=Decimal("300.00"), warn_percent=80)
    agent, ticket = invantive["agent"], invantive["question"]
    first = book_time(ticket=ticket, agent=agent, minutes=60, rate="120.00")  # 120 of 300: 40 %
    assert first.warnings == [] and first.budget.remaining == Decimal("180.00")
    second = book_time(ticket=ticket, agent=agent, minutes=60, rate="120.00")  # 240 of 300: 80 %
    assert second.warnings == [f"budget of agreement {invantive['agreement'].code}: 80% used, 60.00 left of 300.00"]
    assert TicketEvent.objects.filter(ticket=ticket, kind="budget_warning").count() == 1
    with pytest.raises(BudgetExceeded, match="360.00 booked of 300.00 approved"):
        book_time(ticket=ticket, agent=agent, minutes=60, rate="120.00")
    assert TimeEntry.objects.count() == 2
    third = book_time(ticket=ticket, agent=agent, minutes=60, rate="120.00", allow_overrun=True)
    assert third.budget.exceeded and "explicit approval" in third.warnings[0]


def test_budget_shows_approved_booked_and_invoiced(invantive):
    Budget.objects.create(agreement=invantive["agreement"], approved=Decimal("1000.00"))
    book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=31, rate="120.00",
              started_at=f.ams(2026, 10, 5, 10, 0))
    book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=20, rate="120.00",
              started_at=f.ams(2026, 11, 2, 10, 0))
    run_month(month="2026-10")
    state = budget_state(invantive["agreement"])
    assert (state.approved, state.booked, state.invoiced) == (Decimal("1000.00"), Decimal("180.00"), Decimal("120.00"))


def test_an_invoiced_time_entry_cannot_be_deleted(invantive):
    entry = book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=10, rate="120.00",
                      started_at=f.ams(2026, 10, 5, 10, 0)).entry
    run_month(month="2026-10")
    with pytest.raises(ImmutableError):
        entry.delete()


# --------------------------------------------------------------------- page
def test_staff_book_time_on_the_ticket_time_page(invantive, client):
    client.force_login(invantive["agent"])
    url = f"/billing/tickets/{invantive['question'].pk}/time/"
    assert "Start timer" in client.get(url).content.decode()
    html = client.post(url, {"minutes": "31", "rate": "120.00", "note": "joins"}).content.decode()
    assert ("31 min worked, billed as 1 h (rounded up to whole 30-minute units) at €120.00/h = €120.00" in html
            and "<td>€120.00</td>" in html)
    with translation.override("en"):  # the Dutch request leaves Dutch active; put English back after
        dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "€ 120,00" in dutch and "120.00" not in dutch  # the reader's notation, not "0.00"
    # the same stored entry, worded for each reader (issue 21): no English sentence is kept
    assert ("31 min gewerkt, gefactureerd als 1 u (naar boven afgerond op hele eenheden van 30 minuten) "
            "tegen € 120,00/u = € 120,00") in dutch and "worked" not in dutch
    refused = client.post(url, {"minutes": "240", "rate": "120.00"}).content.decode()
    assert "register it as a consultant request" in refused
    assert TimeEntry.objects.count() == 1


def test_customers_cannot_reach_the_time_page(invantive, client):
    person = f.contact(invantive["org"], username="cora")
    client.force_login(person.user)
    assert client.get(f"/billing/tickets/{invantive['question'].pk}/time/").status_code == 404


def test_the_database_refuses_invoicing_a_time_entry_twice(invantive):
    from django.db import IntegrityError, transaction

    from meldpunt.billing.models import InvoicedTime

    book_time(ticket=invantive["question"], agent=invantive["agent"], minutes=10, rate="120.00",
              started_at=f.ams(2026, 10, 5, 10, 0))
    run_month(month="2026-10")
    billed = InvoicedTime.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoicedTime.objects.create(entry=billed.entry, line=billed.line)


def test_an_approved_proposal_is_a_budget_warned_before_and_never_silently_overrun():
    # Seed 002: the customer approved 1.5 h at 100.00 = 150.00 for this advisory request.
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "medium")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, kind="advisory", subject="Custom report design"))
    f.approved_proposal(ticket, hours="1.5", rate="100.00")
    agent = f.staff_user()
    first = book_time(ticket=ticket, agent=agent, minutes=60, rate="100.00")  # 100 of 150: 67 %
    assert first.warnings == [] and first.budget.remaining == Decimal("50.00")
    second = book_time(ticket=ticket, agent=agent, minutes=30, rate="100.00")  # 150 of 150: 100 %
    assert second.warnings == [f"approved proposal of request #{ticket.pk}: 100% used, 0.00 left of 150.00"]
    with pytest.raises(BudgetExceeded, match="approved proposal .* exceeded: 160.00 booked of 150.00"):
        book_time(ticket=ticket, agent=agent, minutes=6, rate="100.00")
    assert ticket.time_entries.count() == 2
    third = book_time(ticket=ticket, agent=agent, minutes=6, rate="100.00", allow_overrun=True)
    assert third.warnings[0].endswith("booked with explicit approval") and ticket.time_entries.count() == 3


def test_a_dutch_agent_reads_the_budget_and_the_refusals_in_dutch(invantive):
    Budget.objects.create(agreement=invantive["agreement"], approved=Decimal("1000.00"), warn_percent=80)
    agent, ticket, code = invantive["agent"], invantive["question"], invantive["agreement"].code
    with translation.override("nl"):
        book_time(ticket=ticket, agent=agent, minutes=180, rate="150.00")  # 450 of 1000
        second = book_time(ticket=ticket, agent=agent, minutes=180, rate="150.00")  # 900 of 1000: 90 %
        assert second.warnings == [f"budget van overeenkomst {code}: 90% gebruikt, 100,00 over van 1.000,00"]
        with pytest.raises(BudgetExceeded) as refused:
            book_time(ticket=ticket, agent=agent, minutes=60, rate="150.00")
        assert str(refused.value) == (f"budget van overeenkomst {code} overschreden: 1.050,00 geboekt van 1.000,00 "
                                      "goedgekeurd (deze sessie 150,00); vraag de coördinator eerst meer goed te keuren")
        with pytest.raises(ConsultantRequestRequired) as consultant:
            book_time(ticket=ticket, agent=agent, minutes=240, rate="120.00")
        assert billing_error_words(consultant.value) == (
            "een sessie van 4 u duurt 4 u of langer: registreer het als consultantverzoek (sales), niet als supportsessie")
        with pytest.raises(BillingError) as month:
            Month.parse("2026-13")
        assert billing_error_words(month.value) == "'2026-13' is geen maand zoals 2026-10"
