"""Phone calls and chats: offered within the agreement's service hours, logged by agents.

Seed 001: chat "during service hours"; seed 003: phone "during coverage hours"; seed 004:
phone support on workdays. Which channels a package has is catalog data (entitlements).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.contracts.catalogs import calendar_for
from meldpunt.contracts.models import Agreement, Contact
from meldpunt.core.businesstime import epoch
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import TicketError, add_message

CHANNEL_ENTITLEMENTS = {"phone": ("phone_support", "phone_during_coverage"), "chat": ("chat_support",)}


def channels_open(agreement: Agreement, at: datetime | None = None) -> dict[str, bool]:
    """Which live channels the customer may use now: granted by the package and within hours."""
    catalog = agreement.catalog.parsed()
    granted = catalog.entitlements(agreement.package, agreement.addon_ids())
    package = catalog.package(agreement.package)
    is_open = calendar_for(agreement.catalog, package.calendar).is_open(epoch(at or timezone.now()))
    return {
        channel: is_open and any(name in granted for name in names)
        for channel, names in CHANNEL_ENTITLEMENTS.items()
    }


@transaction.atomic
def log_contact(
    *,
    channel: str,
    agent,
    summary: str,
    contact: Contact | None = None,
    agreement: Agreement | None = None,
    ticket: Ticket | None = None,
    subject: str = "",
    kind: str = "incident",
    at: datetime | None = None,
) -> Ticket:
    """Log a phone call or chat transcript: on an existing ticket, or as a new one.

    A logged conversation with the customer is a public message from the vendor, so it
    stops the response clock like a written reply would.
    """
    if channel not in CHANNEL_ENTITLEMENTS:
        raise TicketError(_("channel must be phone or chat"))
    if not summary.strip():
        raise TicketError(_("write what was said"))
    at = at or timezone.now()
    if ticket is None:
        if contact is None:
            raise TicketError(_("a new ticket from a call or chat needs the contact"))
        if agreement is not None and agreement.organisation_id != contact.organisation_id:
            raise TicketError(_("the agreement belongs to another organisation"))
        ticket, _created = create_ticket(NewRequest(
            organisation=contact.organisation, agreement=agreement, contact=contact, kind=kind,
            subject=subject or summary.strip().splitlines()[0][:120], description=summary,
            channel=channel, received_at=at,
        ), actor=agent)
        return ticket
    add_message(ticket, summary, author=agent, public=True, channel=channel, at=at)
    return ticket
