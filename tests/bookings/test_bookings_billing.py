"""After the session: actual duration → billable time rounded up to 30 minutes → the monthly
invoice, with the booking named on the line. The 4-hour rule, late cancellation, reminders."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from meldpunt.billing.models import InvoiceLine, TimeEntry
from meldpunt.billing.services import run_month
from meldpunt.bookings.models import Booking, Reminder
from meldpunt.bookings.services import (
    BookingError,
    book_session,
    cancel,
    record_session,
    reschedule,
    send_due_reminders,
)
from meldpunt.contracts.models import Agreement
from meldpunt.tickets.models import Ticket
from tests.support import factories as f
from tests.support.bookings_setup import catalog_with, invantive_desk

pytestmark = pytest.mark.django_db

NOW = f.ams(2027, 6, 7, 9)  # Monday
SLOT = f.ams(2027, 6, 9, 10)  # Wednesday 10:00

@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; a page test before may have left Dutch active."""
    with translation.override("en"):
        yield



@pytest.fixture
def desk():
    return invantive_desk()


def _book(desk, *, minutes=60, starts=SLOT, contact=True, topic="Pivot tables in Excel", now=NOW):
    return book_session(
        vendor="invantive", agent_id=desk["agent"].pk, starts_at=starts, minutes=minutes, topic=topic,
        name="Jan" if contact else "Petra Prospect", email="jan@bakkerij.test" if contact else "petra@example.test",
        language="nl", contact=desk["jan"] if contact else None, agreement=desk["agreement"] if contact else None,
        now=now,
    )


def test_a_session_of_four_hours_or_more_is_refused_and_becomes_a_consultant_request(desk):
    outcome = _book(desk, minutes=240, topic="Data warehouse workshop")
    assert outcome.booking is None and not Booking.objects.exists()
    request = outcome.consultant_request
    assert (request.kind, request.organisation, request.agreement, request.subject) == (
        "consultant", desk["org"], desk["agreement"], "Data warehouse workshop")
    prospect = _book(desk, minutes=300, contact=False, topic="Implementation").consultant_request
    assert prospect.kind == "consultant" and prospect.organisation is None
    assert prospect.reporter_email == "petra@example.test"


def test_a_length_the_catalog_does_not_offer_is_refused(desk):
    with pytest.raises(BookingError, match="30, 60, 90, 120"):
        _book(desk, minutes=150)


def test_a_61_minute_session_bills_90_minutes_and_lands_on_the_invoice_naming_the_booking(desk):
    booking = _book(desk).booking
    assert booking.rate == Decimal("120.00")  # the agent's published rate
    with pytest.raises(BookingError, match="not started"):
        record_session(booking=booking, agent=desk["agent"], minutes=61, now=SLOT - timedelta(minutes=5))
    done = record_session(booking=booking, agent=desk["agent"], minutes=61, now=SLOT + timedelta(minutes=61))
    entry = TimeEntry.objects.get(pk=done.time_entry_id)
    assert (entry.minutes, entry.billed_minutes, entry.billable, entry.amount) == (61, 90, True, Decimal("180.00"))
    assert booking.reference in entry.note
    ticket = Ticket.objects.get(pk=done.session_ticket_id)
    assert ticket.agreement == desk["agreement"] and ticket.status == "closed" and ticket.kind == "question"
    assert booking.reference in ticket.subject and ticket.subject.startswith("Sessie")  # customer's language

    result = run_month(month="2027-06", today=f.ams(2027, 7, 1).date())
    line = InvoiceLine.objects.get(invoice__number__in=result.invoices, source_type="time")
    assert booking.reference in line.description and "Pivot tables" in line.description
    assert (line.quantity, line.amount) == (Decimal("1.50"), Decimal("180.00"))
    with pytest.raises(BookingError, match="no longer planned"):
        record_session(booking=booking, agent=desk["agent"], minutes=30, now=SLOT + timedelta(hours=2))


def test_a_session_that_ran_four_hours_is_not_billed_as_a_session(desk):
    booking = _book(desk, minutes=120).booking
    with pytest.raises(BookingError, match="consultant request"):
        record_session(booking=booking, agent=desk["agent"], minutes=240, now=SLOT + timedelta(hours=4))
    assert not TimeEntry.objects.exists()


def test_the_catalog_rate_applies_when_the_agent_sets_none():
    desk = invantive_desk(rate=None)
    version = catalog_with("", replace=('hourly_rate = "0.00"', 'hourly_rate = "95.00"'))
    Agreement.objects.filter(pk=desk["agreement"].pk).update(catalog=version)
    desk["agreement"].refresh_from_db()
    booking = _book(desk, minutes=30).booking
    assert booking.rate == Decimal("95.00")
    entry = record_session(booking=booking, agent=desk["agent"], minutes=20, now=SLOT + timedelta(hours=1)).time_entry
    assert (entry.billed_minutes, entry.amount) == (30, Decimal("47.50"))


def test_without_any_rate_the_agent_gives_one_when_recording():
    desk = invantive_desk(rate=None)
    booking = _book(desk, minutes=30).booking
    with pytest.raises(BookingError, match="no hourly rate"):
        record_session(booking=booking, agent=desk["agent"], minutes=30, now=SLOT + timedelta(hours=1))
    entry = record_session(booking=booking, agent=desk["agent"], minutes=30, rate="100.00",
                           now=SLOT + timedelta(hours=1)).time_entry
    assert entry.amount == Decimal("50.00")


def test_a_prospects_session_is_recorded_but_not_invoiced(desk):
    booking = _book(desk, contact=False).booking
    done = record_session(booking=booking, agent=desk["agent"], minutes=45, now=SLOT + timedelta(hours=1))
    assert (done.status, done.actual_minutes, done.time_entry_id) == ("done", 45, None)


def test_cancelling_in_time_is_free_and_late_costs_one_unit(desk):
    early = _book(desk).booking
    result = cancel(booking=early, now=SLOT - timedelta(hours=24))
    assert (result.late, result.fee, early.__class__.objects.get(pk=early.pk).status) == (False, None, "cancelled")
    assert not TimeEntry.objects.exists()

    late = _book(desk).booking
    result = cancel(booking=late, now=SLOT - timedelta(hours=23, minutes=59))
    late.refresh_from_db()
    assert result.late and late.cancelled_late and result.fee == Decimal("60.00")
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.billed_minutes, entry.billable) == (30, 30, True)
    assert "Late" in entry.note or "late" in entry.note
    assert late.reference in Ticket.objects.get(pk=late.session_ticket_id).subject


def test_the_vendor_cancelling_late_costs_the_customer_nothing(desk):
    booking = _book(desk).booking
    result = cancel(booking=booking, by_vendor=True, now=SLOT - timedelta(hours=1))
    assert (result.late, result.fee) == (False, None) and not TimeEntry.objects.exists()


def test_a_customer_cannot_move_a_session_inside_the_cancellation_window(desk):
    booking = _book(desk).booking
    with pytest.raises(BookingError, match="can no longer be moved"):
        reschedule(booking=booking, starts_at=SLOT + timedelta(days=1), now=SLOT - timedelta(hours=2))
    moved = reschedule(booking=booking, starts_at=SLOT + timedelta(days=1), by_vendor=True,
                       now=SLOT - timedelta(hours=2))
    assert moved.sequence == 1


def test_a_time_outside_the_offer_is_refused(desk):
    with pytest.raises(BookingError, match="not offered"):
        _book(desk, starts=f.ams(2027, 4, 27, 10))  # King's Day
    with pytest.raises(BookingError, match="not offered"):
        _book(desk, starts=f.ams(2027, 6, 9, 16, 30))  # would run past 17:00
    with pytest.raises(BookingError, match="not offered"):
        _book(desk, starts=f.ams(2027, 6, 9, 10, 10))  # off the half-hour grid


def test_each_reminder_goes_out_once(desk):
    booking = _book(desk).booking
    assert send_due_reminders(now=SLOT - timedelta(hours=25)) == 0  # not yet
    assert send_due_reminders(now=SLOT - timedelta(hours=23)) == 1
    assert send_due_reminders(now=SLOT - timedelta(hours=22)) == 0
    call_command("booking_reminders", stdout=io.StringIO())
    assert Reminder.objects.filter(booking=booking).count() == 1
    assert booking.mails.filter(kind="booking_reminder").count() == 1
    # Moved by the vendor to a later time: the new start gets its own reminder.
    reschedule(booking=booking, starts_at=SLOT + timedelta(days=2), by_vendor=True, now=SLOT - timedelta(hours=22))
    assert send_due_reminders(now=SLOT + timedelta(days=1, hours=1)) == 1
    assert booking.mails.filter(kind="booking_reminder").count() == 2


def test_no_reminder_for_a_session_booked_inside_the_reminder_window(desk):
    _book(desk, now=SLOT - timedelta(hours=3))
    assert send_due_reminders(now=SLOT - timedelta(hours=2)) == 0
