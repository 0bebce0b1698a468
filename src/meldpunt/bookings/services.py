"""Writes on bookings: publish availability, book, move, cancel, record, remind (HackSoft services).

Each is one business action inside a transaction; pages, the management command and the
worker call these functions. The rules (settings, slots, the cancellation window) live in
:mod:`meldpunt.bookings.rules`; rounding and pricing stay in ``billing.services.book_time``.
"""

from __future__ import annotations

import time as time_module
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt import localformat
from meldpunt.billing.services import book_time
from meldpunt.bookings import mail
from meldpunt.bookings.models import Availability, BookedUnit, Booking, Reminder
from meldpunt.bookings.rules import (
    BookingSettings,
    BookingSettingsError,
    Slot,
    Window,
    cancel_is_free,
    check_window,
    is_free,
    unit_starts,
    window_outside_service,
)
from meldpunt.bookings.selectors import (
    calendar_of,
    rate_for,
    settings_for,
    settings_of,
    windows,
)
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.contracts.catalogs import newest_version
from meldpunt.contracts.hours_words import calendar_hours
from meldpunt.contracts.models import Agreement, CatalogVersion, Contact
from meldpunt.core.billing import BillingError, parse_amount
from meldpunt.core.businesstime import FIRST_YEAR, LAST_YEAR, epoch
from meldpunt.core.vocabulary import supported_language
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import TicketError, change_status


class BookingError(ValueError):
    """A booking action that cannot be carried out, said for the person who asked."""


class SlotTaken(BookingError):
    """Someone else booked (part of) the slot first; the database refused the second booking."""


def _rules(version: CatalogVersion | None, vendor: str) -> BookingSettings:
    if version is None:
        raise BookingError(_("%(vendor)s has no catalog loaded.") % {"vendor": vendor})
    try:
        rules = settings_of(version)
    except BookingSettingsError as exc:
        raise BookingError(str(exc)) from None
    if rules is None:
        raise BookingError(_("%(vendor)s does not offer bookable sessions.") % {"vendor": version.name})
    return rules


# ------------------------------------------------------------------ availability
def publish_availability(
    *, agent, vendor: str, starts: time, ends: time, weekday: int | None = None, on_date: date | None = None,
    valid_from: date | None = None, valid_until: date | None = None, hourly_rate: Decimal | str | None = None,
) -> Availability:
    """Publish hours an agent takes sessions; refused when they can never fall in service hours."""
    if (weekday is None) == (on_date is None):
        raise BookingError(_("Give either a weekday or a date."))
    version = newest_version(vendor)
    rules = _rules(version, vendor)
    try:
        check_window(starts, ends)
    except BookingSettingsError as exc:
        raise BookingError(str(exc)) from None
    if valid_from and valid_until and valid_until < valid_from:
        raise BookingError(_("'Valid until' lies before 'valid from'."))
    if on_date is not None and not FIRST_YEAR <= on_date.year <= LAST_YEAR:  # calendars cover these years
        raise BookingError(_("A date must lie between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    calendar = calendar_of(version, rules)
    why = window_outside_service(calendar, Window(agent=agent.pk, start=starts, end=ends, weekday=weekday, day=on_date))
    if why == "outside_hours":
        raise BookingError(_("These hours lie outside the service hours (%(hours)s); sessions are only held in "
                             "service hours.") % {"hours": calendar_hours(calendar)})
    if why:
        raise BookingError(_("%(day)s is a holiday or closed day (%(name)s); no sessions then.")
                           % {"day": on_date.isoformat(), "name": why.partition(":")[2]})
    rate = None
    if hourly_rate not in (None, ""):
        try:
            rate = parse_amount(hourly_rate, "hourly rate")
        except BillingError as exc:
            raise BookingError(billing_error_words(exc)) from None
    return Availability.objects.create(
        agent=agent, vendor=vendor, weekday=weekday, on_date=on_date, starts=starts, ends=ends,
        valid_from=valid_from, valid_until=valid_until, hourly_rate=rate,
    )


# ------------------------------------------------------------------ booking
@dataclass
class Outcome:
    """A booking, or — for a session of 4 hours or more — the consultant request instead."""

    booking: Booking | None = None
    consultant_request: Ticket | None = None


def _check_slot(version: CatalogVersion, rules: BookingSettings, agent_id: int, starts_at: datetime,
                minutes: int, now: datetime) -> Slot:
    start = epoch(starts_at)
    slot = Slot(start, start + minutes * 60, agent_id)
    calendar = calendar_of(version, rules)
    if not is_free(calendar, windows(version.vendor, agent_id), slot,
                   not_before=epoch(now) + rules.notice_hours * 3600, taken=set()):
        raise BookingError(_("This time is not offered: pick one of the free times shown."))
    return slot


def _hold(booking: Booking, slot: Slot) -> None:
    """Insert one row per 30-minute unit; a unit someone else holds makes the database refuse."""
    units = [BookedUnit(agent_id=slot.agent, starts_at=datetime.fromtimestamp(u, UTC), booking=booking)
             for u in unit_starts(slot.start, slot.end)]
    try:
        with transaction.atomic():
            BookedUnit.objects.bulk_create(units)
    except IntegrityError:
        raise SlotTaken(_("Sorry, someone else has just booked this time. Please pick another time.")) from None


def _consultant_request(*, rules, version, minutes, topic, details, name, email, language, contact, agreement,
                        ticket) -> Ticket:
    """Seed 001: sessions of 4 hours or more go to sales as a request for a consultant."""
    lines = [details.strip(), "", f"{localformat.duration(minutes, language)} — {name} <{email}>"]
    if ticket is not None:
        lines.append(f"#{ticket.pk} {ticket.subject}")
    found, _created = create_ticket(NewRequest(
        organisation=contact.organisation if contact else None, agreement=agreement, contact=contact,
        kind=rules.consultant_kind, subject=topic, description="\n".join(lines).strip(), channel="portal",
        language=language, reporter_email=email,
    ))
    return found


def _retry_when_locked(action):
    """Run ``action`` again when SQLite reports a lock (it has no row locks; PostgreSQL never
    needs this). Only outside an enclosing transaction, where a retry starts afresh; the
    retry then sees the winner's rows, so the loser still gets :class:`SlotTaken`."""
    attempts = 0
    while True:
        try:
            return action()
        except OperationalError as exc:
            attempts += 1
            if (connection.vendor != "sqlite" or "locked" not in str(exc) or connection.in_atomic_block
                    or attempts >= 50):
                raise
            time_module.sleep(0.02 * min(attempts, 10))


def book_session(**kwargs) -> Outcome:
    """Book a free slot (see :func:`_book_session`), retrying a momentary SQLite lock."""
    return _retry_when_locked(lambda: _book_session(**kwargs))


def _book_session(
    *, vendor: str, agent_id: int, starts_at: datetime | None, minutes: int, topic: str, name: str, email: str,
    language: str = "en", details: str = "", contact: Contact | None = None, agreement: Agreement | None = None,
    ticket: Ticket | None = None, site_url: str = "", now: datetime | None = None,
) -> Outcome:
    """Book a free slot. A session of the consultant threshold or longer becomes a consultant request.

    Two people booking the same slot at once both reach the insert of the units; the
    unique constraint lets exactly one commit and the other gets :class:`SlotTaken`.
    """
    now = now or timezone.now()
    if not topic.strip():
        raise BookingError(_("Say what the session is about."))
    if contact is not None:
        if agreement is None or agreement.organisation_id != contact.organisation_id:
            raise BookingError(_("Choose one of your organisation's agreements."))
        name, email = name or contact.name, email or contact.email
    if ticket is not None and (contact is None or ticket.organisation_id != contact.organisation_id):
        raise BookingError(_("That request is not one of your organisation's."))
    version = agreement.catalog if agreement is not None else newest_version(vendor)
    rules = _rules(version, vendor)
    vendor = version.vendor
    if rules.needs_consultant(minutes):
        return Outcome(consultant_request=_consultant_request(
            rules=rules, version=version, minutes=minutes, topic=topic.strip(), details=details, name=name,
            email=email, language=language, contact=contact, agreement=agreement, ticket=ticket))
    if minutes not in rules.session_lengths:
        raise BookingError(_("Sessions last %(lengths)s minutes.") % {
            "lengths": ", ".join(str(n) for n in rules.session_lengths)})
    if starts_at is None:
        raise BookingError(_("Pick a time."))
    slot = _check_slot(version, rules, agent_id, starts_at, minutes, now)
    zone = calendar_of(version, rules).zone
    rate = rate_for(vendor, agent_id, datetime.fromtimestamp(slot.start, zone).date(), rules)
    with transaction.atomic():
        booking = Booking.objects.create(
            vendor=vendor, agent_id=agent_id, organisation=contact.organisation if contact else None,
            agreement=agreement, contact=contact, name=name.strip()[:200], email=email.strip(),
            language=supported_language(language), topic=topic.strip()[:200], details=details,
            ticket=ticket, starts_at=datetime.fromtimestamp(slot.start, UTC),
            ends_at=datetime.fromtimestamp(slot.end, UTC), minutes=minutes, rate=rate, scheduled_at=now,
            uid=f"{uuid.uuid4()}@meldpunt", site_url=site_url[:200],
        )
        _hold(booking, slot)
        mail.queue(booking, "confirmation")
    return Outcome(booking=booking)


def _locked(booking: Booking) -> Booking:
    return Booking.objects.select_for_update(of=("self",)).select_related("agreement__catalog", "agent").get(pk=booking.pk)


def reschedule(*, booking: Booking, starts_at: datetime, agent_id: int | None = None, by_vendor: bool = False,
               now: datetime | None = None) -> Booking:
    """Move a session to another free slot; the invite keeps its UID and its SEQUENCE rises.

    Customers may move a session while cancelling is still free; later they cancel (late fee)
    or call. The vendor may always move it.
    """
    now = now or timezone.now()
    rules = settings_for(booking)
    version = booking.agreement.catalog if booking.agreement_id else newest_version(booking.vendor)
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != "confirmed":
            raise BookingError(_("This session is no longer planned."))
        if not by_vendor and not cancel_is_free(epoch(booking.starts_at), epoch(now), rules):
            raise BookingError(_("Less than %(hours)s hours before the session it can no longer be moved; "
                                 "cancel it (a late-cancellation fee applies) or call us.")
                               % {"hours": rules.cancel_free_hours})
        agent_id = agent_id or booking.agent_id
        slot = _check_slot(version, rules, agent_id, starts_at, booking.minutes, now)
        booking.units.all().delete()
        _hold(booking, slot)
        booking.agent_id = agent_id
        booking.starts_at = datetime.fromtimestamp(slot.start, UTC)
        booking.ends_at = datetime.fromtimestamp(slot.end, UTC)
        booking.sequence += 1
        booking.scheduled_at = now
        booking.save(update_fields=["agent", "starts_at", "ends_at", "sequence", "scheduled_at"])
        mail.queue(booking, "rescheduled")
    return booking


@dataclass
class Cancellation:
    booking: Booking
    late: bool
    fee: Decimal | None = None
    fee_problem: str = ""


def cancel(*, booking: Booking, by_vendor: bool = False, actor=None, now: datetime | None = None) -> Cancellation:
    """Cancel a session and free its slot.

    Free until ``cancel_free_hours`` before the start. Later, a customer's cancellation
    costs one billing unit (30 minutes at the session's rate), recorded as a billable time
    entry so it lands on the next monthly invoice. The vendor cancelling never costs the
    customer anything; a prospect without an agreement cannot be invoiced, so for them the
    lateness is only recorded.
    """
    now = now or timezone.now()
    rules = settings_for(booking)
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != "confirmed":
            raise BookingError(_("This session is no longer planned."))
        late = not by_vendor and not cancel_is_free(epoch(booking.starts_at), epoch(now), rules)
        booking.units.all().delete()
        booking.status = "cancelled"
        booking.cancelled_at = now
        booking.cancelled_late = late
        booking.sequence += 1
        result = Cancellation(booking, late)
        if late and booking.agreement_id:
            try:
                entry = _bill(booking, actor or booking.agent, rules.late_fee_minutes, booking.rate, late=True)
            except BillingError as exc:
                result.fee_problem = billing_error_words(exc)
            else:
                booking.time_entry = entry
                result.fee = entry.amount
        booking.save(update_fields=["status", "cancelled_at", "cancelled_late", "sequence", "time_entry",
                                    "session_ticket"])
        fee = ""
        if result.fee is not None:
            fee = localformat.money(result.fee, booking.agreement.catalog.parsed().currency, booking.language)
        mail.queue(booking, "cancelled", fee=fee)
    return result


# ------------------------------------------------------------------ after the session
def _session_ticket(booking: Booking, agent, *, late: bool) -> Ticket:
    """The request the session's time is booked on; its subject names the booking.

    The monthly invoice prints one line per request ("Ticket #57: Session B-00012: …"), so
    a request per booking puts the booking on the invoice line. It has no reporter: the
    customer already has the booking mail, so intake sends no second confirmation.
    """
    with translation.override(booking.language):
        subject = (_("Late cancellation of session %(ref)s: %(topic)s") if late
                   else _("Session %(ref)s: %(topic)s")) % {"ref": booking.reference, "topic": booking.topic}
        about = (_("About request #%(n)s") % {"n": booking.ticket_id}) if booking.ticket_id else ""
    rules = settings_for(booking)
    ticket, _created = create_ticket(NewRequest(
        organisation=booking.organisation, agreement=booking.agreement, kind=rules.session_kind, subject=subject,
        description="\n".join(p for p in (booking.details, about) if p), channel="portal", language=booking.language,
        idempotency_key=f"booking:{booking.pk}:{'late' if late else 'held'}",
    ), actor=agent)
    return ticket


def _bill(booking: Booking, agent, minutes: int, rate, *, late: bool):
    ticket = _session_ticket(booking, agent, late=late)
    booking.session_ticket = ticket
    note = (f"{'late cancellation ' if late else ''}booking {booking.reference}: {booking.topic}")[:500]
    entry = book_time(ticket=ticket, agent=agent, minutes=minutes, started_at=booking.starts_at, billable=True,
                      rate=rate, note=note).entry
    try:
        change_status(ticket, "closed", actor=agent)
    except TicketError:
        pass
    return entry


def record_session(*, booking: Booking, agent, minutes: int, rate: Decimal | str | None = None,
                   now: datetime | None = None) -> Booking:
    """The agent records how long the session really took; it becomes billable time.

    ``billing.services.book_time`` rounds it up to whole 30-minute units (seed 001) at the
    booking's rate; the monthly invoice run then bills it on a line that names the booking.
    A session that ran to the consultant threshold is refused here as well (seed 001).
    """
    now = now or timezone.now()
    if not isinstance(minutes, int) or minutes <= 0:
        raise BookingError(_("Give the actual duration in whole minutes."))
    rules = settings_for(booking)
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != "confirmed":
            raise BookingError(_("This session is no longer planned."))
        if now < booking.starts_at:
            raise BookingError(_("The session has not started yet."))
        if rules.needs_consultant(minutes):
            raise BookingError(_("A session of %(length)s is %(limit)s or more: that is work for a consultant "
                                 "request, not a support session.") % {
                "length": localformat.duration(minutes), "limit": localformat.duration(rules.consultant_threshold_minutes)})
        if rate not in (None, ""):
            try:
                booking.rate = parse_amount(rate, "rate")
            except BillingError as exc:
                raise BookingError(billing_error_words(exc)) from None
        booking.actual_minutes = minutes
        booking.status = "done"
        if booking.agreement_id:
            if booking.rate <= 0:
                raise BookingError(_("The catalog sets no hourly rate: give the rate for this session."))
            try:
                booking.time_entry = _bill(booking, agent, minutes, booking.rate, late=False)
            except BillingError as exc:
                raise BookingError(billing_error_words(exc)) from None
        booking.save(update_fields=["actual_minutes", "status", "rate", "time_entry", "session_ticket"])
    return booking


# ------------------------------------------------------------------ reminders
def send_due_reminders(now: datetime | None = None) -> int:
    """Queue a reminder for every planned session whose reminder moment has come.

    The :class:`Reminder` row is unique per booking and start, so a second run (or two
    workers at once) sends nothing twice. A session booked or moved after its reminder
    moment gets none: the customer has just had the invite.
    """
    now = now or timezone.now()
    sent = 0
    candidates = Booking.objects.filter(status="confirmed", starts_at__gt=now, starts_at__lte=now + timedelta(days=8))
    for booking in candidates.exclude(reminders__starts_at=F("starts_at")).select_related("agreement__catalog"):
        rules = settings_for(booking)
        if rules is None or rules.reminder_hours <= 0:
            continue
        moment = booking.starts_at - timedelta(hours=rules.reminder_hours)
        if now < moment or booking.scheduled_at >= moment:
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(booking=booking, starts_at=booking.starts_at)
                mail.queue(booking, "reminder")
        except IntegrityError:
            continue
        sent += 1
    return sent

