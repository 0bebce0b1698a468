"""A customer's reply, by mail, portal or API: appended, reopening a resolved request, or
a new request that follows up the old one (issue 19 item 4).

As in Zendesk and Zammad: a reply to a request that is resolved within the catalog's reopen
window (``reopen_days``, calendar days after resolution; 14 when the catalog is silent)
reopens it, and the resolution clock resumes with the business time it had left (the time
it stood resolved is a pause, :func:`meldpunt.tickets.services.change_status`). A reply
after the window, or to a closed request, is registered as a new request through the one
registration path, on the same organisation, agreement, contact and kind, with a link both
ways in the event log (``follow_up_of`` on the new one, ``followed_up_by`` on the old one).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from meldpunt.core.catalog import DEFAULT_REOPEN_DAYS
from meldpunt.tickets import events, registration, signals
from meldpunt.tickets.models import Message, Ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status

#: Where a reopened request goes (Zendesk: "Open"; Zammad: "open").
REOPEN_STATUS = "in_progress"


class Reply(NamedTuple):
    """Where a customer's reply landed: ``ticket`` (the new request for a follow-up),
    the thread ``message`` (for a follow-up: the new request's first message),
    ``outcome`` (``appended``, ``reopened`` or ``follow_up``) and ``previous`` (the old
    request of a follow-up)."""

    ticket: Ticket
    message: Message | None
    outcome: str
    previous: Ticket | None = None


def reopen_days(ticket: Ticket) -> int:
    """The reopen window of ``ticket``'s catalog, in calendar days."""
    if ticket.agreement_id is None:
        return DEFAULT_REOPEN_DAYS
    return ticket.agreement.catalog.parsed().reopen_days


def resolved_at(ticket: Ticket) -> datetime:
    """When ``ticket`` was last resolved (its last status event to resolved)."""
    event = ticket.events.filter(kind="status", data__new="resolved").order_by("-at", "-id").first()
    if event is None:
        return ticket.updated_at
    moment = (event.data or {}).get("at")  # the moment the change took effect (may be given)
    return datetime.fromisoformat(moment) if moment else event.at


def may_reopen(ticket: Ticket, at: datetime) -> bool:
    """Whether a customer's reply at ``at`` reopens ``ticket`` (else it starts a new request)."""
    if ticket.status != "resolved":
        return False
    return at - resolved_at(ticket) <= timedelta(days=reopen_days(ticket))


@transaction.atomic
def customer_reply(ticket: Ticket, body: str, *, author=None, channel: str = "portal", at: datetime | None = None,
                   contact=None) -> Reply:
    """Add a customer's reply to ``ticket``; see the module for what becomes of it."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    at = at or timezone.now()
    if ticket.status not in ("resolved", "closed"):
        message = add_message(ticket, body, author=author, from_customer=True, channel=channel, at=at, contact=contact)
        signals.customer_replied.send(Ticket, ticket=ticket, message=message, reopened=False, previous=None)
        return Reply(ticket, message, "appended")
    if may_reopen(ticket, at):
        was = resolved_at(ticket)
        message = add_message(ticket, body, author=author, from_customer=True, channel=channel, at=at, contact=contact)
        ticket = change_status(ticket, REOPEN_STATUS, actor=author, at=at)
        events.record(ticket, "reopened", actor=author, message=message.pk, channel=channel,
                      resolved_at=was.isoformat())
        signals.customer_replied.send(Ticket, ticket=ticket, message=message, reopened=True, previous=None)
        return Reply(ticket, message, "reopened")
    new, _created = registration.create_ticket(_follow_up_request(ticket, body, channel, at, contact), actor=author)
    events.record(new, "follow_up_of", actor=author, ticket=ticket.pk)
    events.record(ticket, "followed_up_by", actor=author, ticket=new.pk)
    # The reply is the new request's description and its first message (as mail intake
    # keeps a new request's text: the files of a mail hang on the message).
    message = add_message(new, body, author=author, from_customer=True, channel=channel, at=at, contact=contact)
    signals.customer_replied.send(Ticket, ticket=new, message=message, reopened=False, previous=ticket)
    return Reply(new, message, "follow_up", ticket)


def _follow_up_request(ticket: Ticket, body: str, channel: str, at: datetime, contact) -> NewRequest:
    """The new request a late reply starts: the old one's organisation, agreement, contact,
    kind, product and language; the reply is its description."""
    return NewRequest(
        organisation=ticket.organisation,
        agreement=ticket.agreement,
        contact=contact or ticket.contact,
        subject=ticket.subject,
        description=body,
        kind=ticket.kind,
        channel=channel,
        received_at=at,
        language=ticket.language,
        product=ticket.product,
        product_version=ticket.product_version,
        reporter_email=ticket.reporter_email,
        reporter_name=ticket.reporter_name,
    )


def linked(ticket: Ticket) -> dict:
    """The requests linked to ``ticket`` by follow-ups: ``previous`` (the one it follows up,
    or None) and ``follow_ups`` (ids of the requests that follow it up)."""
    previous, follow_ups = None, []
    for kind, data in ticket.events.filter(kind__in=("follow_up_of", "followed_up_by")).values_list("kind", "data"):
        if kind == "follow_up_of":
            previous = (data or {}).get("ticket")
        else:
            follow_ups.append((data or {}).get("ticket"))
    return {"previous": previous, "follow_ups": [pk for pk in follow_ups if pk]}
