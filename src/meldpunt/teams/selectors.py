"""Reads of the teams app."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from meldpunt.teams.models import Team


def teams_of(user) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user).order_by("name")


def team_queue(user, team_id: int | None = None) -> Q:
    """The condition on tickets of "my team's" queue (every team of ``user``), or of one
    team's queue with ``team_id``."""
    if team_id:
        return Q(team_link__team_id=team_id)
    return Q(team_link__team__memberships__user=user)
