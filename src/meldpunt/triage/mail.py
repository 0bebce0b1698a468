"""Mail that goes to someone other than the reporter (seed 001: licence keys only to the
organisation's coordinator), through the intake outbox (same templates, threading, retry).
"""

from __future__ import annotations

from meldpunt.contracts.models import Contact
from meldpunt.intake import outbox
from meldpunt.intake.models import OutboundMail
from meldpunt.tickets.models import Ticket


def queue_to(contact: Contact, ticket: Ticket, kind: str, *, message: str = "") -> OutboundMail | None:
    return outbox.queue(ticket, kind, message=message, recipient=contact)
