"""The teams page of the console (who is in which team, which rules route to it, each
team's queue) and the ticket page's team action. Editing teams and rules is in the admin;
here an agent joins or leaves a team and says whether they take round-robin requests."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import staff_required
from meldpunt.teams import services
from meldpunt.teams.forms import TeamChoiceForm
from meldpunt.teams.models import Membership, Team
from meldpunt.tickets.selectors import visible_tickets
from meldpunt.tickets.services import TicketError


@staff_required
def team_list(request):
    teams = Team.objects.prefetch_related("memberships__user", "rules__organisation").order_by("name")
    mine = set(Membership.objects.filter(user=request.user).values_list("team_id", flat=True))
    rows = [{"team": t, "member": t.pk in mine,
             "queue_url": f"{reverse('console:queue')}?queue=all&team={t.pk}",
             "members": sorted(t.memberships.all(), key=lambda m: m.user.get_username()),
             "rules": list(t.rules.all())} for t in teams]
    return render(request, "teams/team_list.html", {"rows": rows})


@require_POST
@staff_required
def membership(request, pk: int):
    """Join or leave ``pk`` (``action`` = join / leave), or go out of or into its rotation
    (``action`` = away / back)."""
    team = get_object_or_404(Team, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "join":
            services.join(team, request.user)
            messages.success(request, _("You joined %(team)s.") % {"team": team.name})
        elif action == "leave":
            services.leave(team, request.user)
            messages.success(request, _("You left %(team)s.") % {"team": team.name})
        elif action in ("away", "back"):
            services.set_rotation(team, request.user, action == "back")
            messages.success(request, _("Saved."))
        else:
            messages.error(request, _("Choose what to do."))
    except TicketError as exc:
        messages.error(request, str(exc))
    return redirect("teams:list")


@require_POST
@staff_required
def ticket_team(request, pk: int):
    """Move a request to another team's queue (or to none)."""
    ticket = visible_tickets(request.user).filter(pk=pk).first()
    if ticket is None:
        raise Http404("no such request")
    form = TeamChoiceForm(request.POST)
    if form.is_valid():
        services.set_team(ticket, form.cleaned_data["team"], actor=request.user)
        messages.success(request, _("The team was changed."))
    else:
        messages.error(request, _("Choose a team."))
    return redirect(f"{reverse('console:ticket', args=[pk])}#team")
