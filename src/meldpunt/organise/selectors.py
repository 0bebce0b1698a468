"""Reads of the organise app."""

from __future__ import annotations

from meldpunt.organise.models import TicketTag


def tags_by_ticket(ticket_ids: list[int]) -> dict[int, list[str]]:
    """The tag names of each of ``ticket_ids`` (a queue page), in one query."""
    found: dict[int, list[str]] = {}
    rows = TicketTag.objects.filter(ticket_id__in=ticket_ids).order_by("tag__name").values_list("ticket_id", "tag__name")
    for pk, name in rows:
        found.setdefault(pk, []).append(name)
    return found
