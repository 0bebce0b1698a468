"""People on the thread, console and portal: add and remove followers
(:mod:`meldpunt.intake.followers` decides who may follow). Posted forms; the request page
shows the list (``intake/_followers.html``) and, after a refusal, the reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import contact_required, staff_required
from meldpunt.desk.selectors import staff_ticket
from meldpunt.intake import followers
from meldpunt.intake.followers import FollowerError
from meldpunt.tickets.selectors import visible_tickets
from meldpunt.web.forms import FollowerForm

#: What the person who asked reads when a follower is refused (FollowerError's texts).
REFUSALS = {
    "give one e-mail address": gettext_lazy("Give one e-mail address."),
    "only contacts of the organisation can follow this request": gettext_lazy("Only contacts of your organisation can follow this request."),
    "this address is no contact of the organisation: confirm that it may receive the replies":
        gettext_lazy("This address is no contact of the organisation: confirm that it may receive the public replies."),
    "the reporter already receives every reply": gettext_lazy("The reporter already receives every reply."),
    "already following this request": gettext_lazy("Already following this request."),
}


def _refusal(exc: FollowerError) -> str:
    return str(REFUSALS.get(str(exc), str(exc)))


def _add(request, ticket, *, agent: bool, back: str):
    form = FollowerForm(request.POST, candidates=followers.candidates(ticket), agent=agent)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        follower = followers.add(ticket, form.address(), by=request.user, source="agent" if agent else "coordinator",
                                 outside=form.cleaned_data.get("outside", False))
    except FollowerError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("%(who)s now follows this request.") % {"who": follower})
    return redirect(back)


def _remove(request, ticket, follower_id: int, back: str):
    if followers.remove(ticket, follower_id, by=request.user):
        messages.success(request, _("The follower was removed."))
    else:
        messages.error(request, _("That person does not follow this request (any more)."))
    return redirect(back)


@require_POST
@staff_required
def console_add(request, pk: int):
    ticket = staff_ticket(request.user, pk)
    return _add(request, ticket, agent=True, back=f"{reverse('console:ticket', args=[pk])}#followers")


@require_POST
@staff_required
def console_remove(request, pk: int, follower: int):
    ticket = staff_ticket(request.user, pk)
    return _remove(request, ticket, follower, f"{reverse('console:ticket', args=[pk])}#followers")


def _coordinated(request, pk: int):
    """A request of the coordinator's own organisation; anyone else: 404."""
    if not request.contact.is_coordinator:
        raise Http404("coordinators only")
    ticket = visible_tickets(request.user).filter(pk=pk, organisation_id=request.contact.organisation_id).first()
    if ticket is None:
        raise Http404("no such request")
    return ticket


@require_POST
@contact_required
def portal_add(request, pk: int):
    ticket = _coordinated(request, pk)
    return _add(request, ticket, agent=False, back=f"{reverse('portal:request', args=[pk])}#followers")


@require_POST
@contact_required
def portal_remove(request, pk: int, follower: int):
    ticket = _coordinated(request, pk)
    return _remove(request, ticket, follower, f"{reverse('portal:request', args=[pk])}#followers")
