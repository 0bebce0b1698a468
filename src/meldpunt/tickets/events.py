"""The one way a row gets into a ticket's event log (:class:`~meldpunt.tickets.models.TicketEvent`).

Every app that records what happened to a ticket calls :func:`record` (one row) or
:func:`record_rows` (a batch built with :func:`row`), so the log has one shape: the
ticket, a short ``kind``, who did it (``actor``, None for the system) and a JSON ``data``
object. The log is append-only: these functions only insert, and the model refuses to
save a row twice or to delete one.

The parameters before ``/`` are positional-only, so ``data`` may hold any key, ``kind``
included (the 'created' event records the ticket's kind).
"""

from __future__ import annotations

from collections.abc import Iterable

from meldpunt.tickets.models import AppendOnlyError, Ticket, TicketEvent


def row(ticket: Ticket | int, kind: str, /, *, actor=None, **data) -> TicketEvent:
    """An unsaved event of ``ticket`` (a ticket or its id), for :func:`record_rows` or an insert
    that writes it together with the ticket."""
    if isinstance(ticket, Ticket):
        return TicketEvent(ticket=ticket, kind=kind, actor=actor, data=data)
    return TicketEvent(ticket_id=ticket, kind=kind, actor=actor, data=data)


def record(ticket: Ticket | int, kind: str, /, *, actor=None, **data) -> TicketEvent:
    """Append one event to ``ticket``'s log and return it."""
    event = row(ticket, kind, actor=actor, **data)
    event.save()
    return event


def record_rows(events: Iterable[TicketEvent], *, batch_size: int | None = None) -> list[TicketEvent]:
    """Append many events in bulk inserts (a batch of registrations, a recompute's audit rows)."""
    events = list(events)
    if any(event.pk is not None for event in events):
        raise AppendOnlyError("ticket events are append-only")
    return TicketEvent.objects.bulk_create(events, batch_size=batch_size)


def created(ticket: Ticket, actor=None) -> TicketEvent:
    """The unsaved event of a registration: channel, kind and the priority decided."""
    return row(ticket, "created", actor=actor, channel=ticket.channel, kind=ticket.kind,
               priority=ticket.priority, reason=ticket.priority_reason)
