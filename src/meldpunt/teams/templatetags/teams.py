"""The team part of the console ticket page, as an inclusion tag (one line in the shared template)."""

from __future__ import annotations

from django import template

from meldpunt.teams.forms import TeamChoiceForm
from meldpunt.teams.services import team_of

register = template.Library()


@register.inclusion_tag("teams/_team.html", takes_context=True)
def team_panel(context, ticket):
    team = team_of(ticket)
    return {"ticket": ticket, "csrf_token": context.get("csrf_token"), "team": team,
            "form": TeamChoiceForm(initial={"team": team.pk if team else None}, auto_id="team_%s")}
