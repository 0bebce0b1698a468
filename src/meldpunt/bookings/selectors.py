"""Reads on bookings: settings per catalog version, free slots, and who sees which booking.

A contact books under their agreement, so the agreement's catalog version decides the
lengths, rate and cancellation rules (an edited catalog never moves a signed agreement);
a prospect books under the vendor's current catalog version.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from meldpunt.bookings.models import Availability, BookedUnit, Booking
from meldpunt.bookings.rules import BookingSettings, Slot, Window, booking_settings, free_slots
from meldpunt.contracts.catalogs import calendar_for, newest_version
from meldpunt.contracts.models import Agreement, CatalogVersion, Contact
from meldpunt.contracts.selectors import contact_of, is_staff
from meldpunt.core.businesstime import Calendar, epoch


def settings_of(version: CatalogVersion) -> BookingSettings | None:
    catalog = version.parsed()
    return booking_settings(catalog.billing, catalog.calendars)


def version_for(booking: Booking) -> CatalogVersion | None:
    return booking.agreement.catalog if booking.agreement_id else newest_version(booking.vendor)


def settings_for(booking: Booking) -> BookingSettings | None:
    version = version_for(booking)
    return settings_of(version) if version else None


def bookable_vendors() -> list[tuple[CatalogVersion, BookingSettings]]:
    """Vendors whose current catalog offers bookable sessions (the public booking pages)."""
    found = []
    for vendor in CatalogVersion.objects.order_by("vendor").values_list("vendor", flat=True).distinct():
        version = newest_version(vendor)
        rules = settings_of(version)
        if rules is not None:
            found.append((version, rules))
    return found


def bookable_agreements(contact: Contact) -> list[tuple[Agreement, BookingSettings]]:
    """The contact's organisation's running agreements whose catalog offers sessions."""
    today = timezone.localdate()
    found = []
    agreements = Agreement.objects.filter(organisation_id=contact.organisation_id, starts_on__lte=today).select_related("catalog")
    for agreement in agreements.order_by("code"):
        if agreement.ends_on and agreement.ends_on < today:
            continue
        rules = settings_of(agreement.catalog)
        if rules is not None:
            found.append((agreement, rules))
    return found


def calendar_of(version: CatalogVersion, rules: BookingSettings, language: str = "en") -> Calendar:
    """The vendor's service calendar with holidays and closed days (the SLA clocks' calendar)."""
    return calendar_for(version, rules.calendar, language)


def windows(vendor: str, agent_id: int | None = None) -> list[Window]:
    rows = Availability.objects.filter(vendor=vendor, agent__is_active=True)
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    return [
        Window(agent=row.agent_id, start=row.starts, end=row.ends, weekday=row.weekday, day=row.on_date,
               valid_from=row.valid_from, valid_until=row.valid_until)
        for row in rows
    ]


def taken_units(agents: set[int], first: int, last: int) -> set[tuple[int, int]]:
    rows = BookedUnit.objects.filter(
        agent_id__in=agents, starts_at__gte=datetime.fromtimestamp(first, UTC),
        starts_at__lt=datetime.fromtimestamp(last, UTC),
    ).values_list("agent_id", "starts_at")
    return {(agent, epoch(at)) for agent, at in rows}


def slots(version: CatalogVersion, rules: BookingSettings, minutes: int, *, first_day: date | None = None,
          days: int | None = None, now=None) -> list[Slot]:
    """Free slots of ``minutes`` for the vendor of ``version``, from today over the horizon."""
    now = now or timezone.now()
    calendar = calendar_of(version, rules)
    first_day = first_day or timezone.localtime(now, calendar.zone).date()
    days = days or rules.horizon_days
    found = windows(version.vendor)
    if not found:
        return []
    agents = {w.agent for w in found}
    lo = epoch(now) - 86400 * 2
    start = int(datetime.combine(first_day, time(), calendar.zone).timestamp())
    hi = start + 86400 * (days + 2)
    return free_slots(
        calendar, found, minutes=minutes, first_day=first_day, days=days,
        not_before=epoch(now) + rules.notice_hours * 3600, taken=taken_units(agents, min(lo, start), hi),
    )


def rate_for(vendor: str, agent_id: int, on: date, rules: BookingSettings):
    """The rate of a session: the agent's availability rate for that day, else the catalog's."""
    for row in Availability.objects.filter(vendor=vendor, agent_id=agent_id, hourly_rate__isnull=False):
        window = Window(agent=agent_id, start=row.starts, end=row.ends, weekday=row.weekday, day=row.on_date,
                        valid_from=row.valid_from, valid_until=row.valid_until)
        if window.applies(on):
            return row.hourly_rate
    return rules.hourly_rate


# ------------------------------------------------------------------ who sees what
def _bookings() -> QuerySet[Booking]:
    return Booking.objects.select_related("agent", "organisation", "agreement__catalog", "contact", "time_entry", "ticket")


def agent_bookings(user, *, everyone: bool = False) -> QuerySet[Booking]:
    """An agent's own bookings; ``everyone`` for all agents (staff only)."""
    if not is_staff(user):
        return Booking.objects.none()
    found = _bookings()
    return found if everyone else found.filter(agent=user)


def customer_bookings(user) -> QuerySet[Booking]:
    """A coordinator sees the organisation's bookings; another contact only their own."""
    contact = contact_of(user)
    if contact is None:
        return Booking.objects.none()
    found = _bookings().filter(organisation_id=contact.organisation_id)
    return found if contact.is_coordinator else found.filter(contact=contact)

