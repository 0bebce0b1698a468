"""Route new requests to teams, and round-robin within a team (issue 19 item 7).

Called by the worker's follow-up of every registration
(:func:`meldpunt.triage.followup.follow_up_pending`), in its transaction, after triage's
assessment: never from a signal, so a request is routed once however it came in, and a
request the follow-up already did (a rerun) is not routed again.

Several workers run follow-ups at once. Each locks the teams it assigns for with
``SELECT … FOR UPDATE`` on the team rows (the rotation pointer ``Team.last_assigned``), in
id order, before it reads the pointer: a second worker waits until the first commits and
then reads the moved pointer, so two requests never go to the same member by a race, and
the fixed order means two workers never wait on each other (no deadlock).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from meldpunt.teams.models import Membership, RoutingRule, Team, TicketTeam
from meldpunt.teams.services import set_team
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.services import assign_ticket


def rule_for(ticket: Ticket, rules: Iterable[RoutingRule]) -> RoutingRule | None:
    """The first rule (by position) whose vendor, kind and organisation all fit ``ticket``."""
    vendor = ticket.agreement.catalog.vendor if ticket.agreement_id else None
    for rule in rules:
        if rule.vendor and rule.vendor != vendor:
            continue
        if rule.kind and rule.kind != ticket.kind:
            continue
        if rule.organisation_id and rule.organisation_id != ticket.organisation_id:
            continue
        return rule
    return None


def next_member(team: Team):
    """The member after the pointer, by user id, among those in the rotation who are
    active staff (None: nobody takes requests)."""
    members = list(Membership.objects.filter(team=team, in_rotation=True, user__is_active=True, user__is_staff=True)
                   .select_related("user").order_by("user_id"))
    if not members:
        return None
    after = team.last_assigned_id or 0
    for membership in members:
        if membership.user_id > after:
            return membership.user
    return members[0].user


@transaction.atomic(savepoint=False)  # the follow-up's transaction when in one: no savepoint of its own
def route(tickets: Iterable[Ticket]) -> dict[int, int]:
    """Put each ticket without a team in the team of its first matching rule, and assign
    it to the next member when that team does round-robin and nobody has it yet. Returns
    ``{ticket id: team id}`` of the tickets routed."""
    tickets = [t for t in tickets if t.pk]
    rules = list(RoutingRule.objects.select_related("team").order_by("position", "id"))
    if not rules or not tickets:
        return {}
    placed = set(TicketTeam.objects.filter(ticket__in=tickets).values_list("ticket_id", flat=True))
    chosen = {t.pk: (t, r) for t in tickets if t.pk not in placed and (r := rule_for(t, rules)) is not None}
    if not chosen:
        return {}
    team_ids = sorted({rule.team_id for _t, rule in chosen.values()})
    # the rotation pointers, locked in id order (several workers: see the module's docstring)
    teams = {t.pk: t for t in Team.objects.select_for_update().filter(pk__in=team_ids).order_by("pk")}
    for pk in sorted(chosen):
        ticket, rule = chosen[pk]
        team = teams[rule.team_id]
        set_team(ticket, team, rule=rule.pk)
        if team.round_robin and ticket.assignee_id is None:
            member = next_member(team)
            if member is not None:
                assign_ticket(ticket, member)
                team.last_assigned = member
                team.save(update_fields=["last_assigned"])
    return {pk: chosen[pk][1].team_id for pk in chosen}
