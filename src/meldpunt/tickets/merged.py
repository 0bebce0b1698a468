"""Where a merged duplicate's conversation went (issue 19: merge, and mail for a merged number).

A merge (:mod:`meldpunt.organise.merging`) closes the duplicate and logs ``merged_into``
with the number of the request it went into. Everything that still names the duplicate —
a mail whose subject says ``[#n]``, a portal page left open, an API client — asks
:func:`survivor` where its conversation lives now. Intake, the portal and the API sit below
the organise app, so the event log, not the link table, is what they read.
"""

from __future__ import annotations

from meldpunt.tickets.models import Ticket, TicketEvent

#: How many merges in a row are followed (a survivor merged on into a third request).
MAX_HOPS = 10


def merged_into(ticket_id: int) -> int | None:
    """The number of the request ``ticket_id`` was merged into, or None."""
    data = (TicketEvent.objects.filter(ticket_id=ticket_id, kind="merged_into")
            .order_by("-id").values_list("data", flat=True).first())
    target = (data or {}).get("ticket")
    return int(target) if target else None


def survivor(ticket: Ticket) -> Ticket | None:
    """The request a merged duplicate lives on in (following merges of merges), or None
    when ``ticket`` was never merged."""
    current, seen = ticket.pk, {ticket.pk}
    for _hop in range(MAX_HOPS):
        target = merged_into(current)
        if target is None or target in seen:
            break
        current = target
        seen.add(target)
    if current == ticket.pk:
        return None
    return Ticket.objects.select_related("organisation", "agreement__catalog", "contact").filter(pk=current).first()
