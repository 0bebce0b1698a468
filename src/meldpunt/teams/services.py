"""Writes of the teams app: which team a request is with, and who is in a team."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from meldpunt.teams.models import Membership, Team, TicketTeam
from meldpunt.tickets import events
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.services import TicketError


@transaction.atomic
def set_team(ticket: Ticket, team: Team | None, *, actor=None, rule: int | None = None) -> Ticket:
    """Put ``ticket`` in ``team``'s queue (None: no team); logs a ``team`` event with the
    old and new team names (and the routing rule, when a rule did it)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    current = TicketTeam.objects.filter(ticket=ticket).select_related("team").first()
    old = current.team if current else None
    if (old.pk if old else None) == (team.pk if team else None):
        return ticket
    if team is None:
        TicketTeam.objects.filter(ticket=ticket).delete()
    else:
        TicketTeam.objects.update_or_create(ticket=ticket, defaults={"team": team})
    extra = {"rule": rule} if rule else {}
    events.record(ticket, "team", actor=actor, old=old.name if old else None, new=team.name if team else None, **extra)
    return ticket


def team_of(ticket: Ticket) -> Team | None:
    link = TicketTeam.objects.filter(ticket=ticket).select_related("team").first()
    return link.team if link else None


@transaction.atomic
def join(team: Team, user) -> Membership:
    if not user.is_staff:
        raise TicketError(_("Only vendor staff can be in a team."))
    membership, _created = Membership.objects.get_or_create(team=team, user=user)
    return membership


def leave(team: Team, user) -> bool:
    deleted, _rows = Membership.objects.filter(team=team, user=user).delete()
    return bool(deleted)


@transaction.atomic
def set_rotation(team: Team, user, in_rotation: bool) -> None:
    """Take a member out of the round-robin (away) or back in."""
    if not Membership.objects.filter(team=team, user=user).update(in_rotation=in_rotation):
        raise TicketError(_("%(name)s is not in this team.") % {"name": user.get_username()})
