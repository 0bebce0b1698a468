"""What the ticket answers carry for vendor staff only: tags and team (issue 19 items 6, 7),
and the list's filters on them. Customers get empty tags and no team, and filtering on
either is refused (403) rather than answering from what they may not read."""

from __future__ import annotations

from django.db.models import Q
from ninja.errors import HttpError

from meldpunt.contracts.selectors import is_staff
from meldpunt.organise.selectors import tags_by_ticket
from meldpunt.teams.models import TicketTeam


def staff_filter(user, tag: str | None, team: int | None) -> Q | None:
    if tag is None and team is None:
        return None
    if not is_staff(user):
        raise HttpError(403, "only vendor staff can filter by tag or team")
    cond = Q()
    if tag is not None:
        cond &= Q(tags__name="-".join(tag.strip().lower().split()))
    if team is not None:
        cond &= Q(team_link__team_id=team)
    return cond


def with_staff_fields(user, rows: list[dict]) -> list[dict]:
    """``rows`` (ticket answers) with ``tags`` and ``team`` filled for staff, in two queries."""
    if not rows or not is_staff(user):
        return rows
    ids = [row["id"] for row in rows]
    tags = tags_by_ticket(ids)
    teams = dict(TicketTeam.objects.filter(ticket_id__in=ids).values_list("ticket_id", "team__name"))
    for row in rows:
        row["tags"], row["team"] = tags.get(row["id"], []), teams.get(row["id"])
    return rows
