"""The organise actions of the console: tags, links and merge on the ticket page, and the
queue's bulk actions. Thin: the forms check the shape, the services decide; every answer
is a redirect back with a message (or 400/404), never an error page."""

from __future__ import annotations

from urllib.parse import urlparse

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import staff_required
from meldpunt.organise import bulk, merging, services
from meldpunt.organise.forms import BulkForm, NumberForm, TagForm
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.selectors import visible_tickets
from meldpunt.tickets.services import ConflictError, TicketError


def _ticket(request, pk: int) -> Ticket:
    found = visible_tickets(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("no such request")
    return found


def _back(pk: int, anchor: str = "organise") -> str:
    return f"{reverse('console:ticket', args=[pk])}#{anchor}"


def _errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _other(request, form) -> Ticket | None:
    other = visible_tickets(request.user).filter(pk=form.cleaned_data["number"]).first()
    if other is None:
        messages.error(request, _("There is no request with that number."))
    return other


def _panel_action(request, pk: int, form_class, act) -> HttpResponse:
    """The shape of the panel's small actions (tags and links): the ticket (404 when not
    visible), the form, then ``act(ticket, form)``, which returns the success message (empty:
    nothing changed, nothing said) or None when it already said why not; a
    :class:`TicketError` becomes the message. Always back to the panel."""
    ticket, form = _ticket(request, pk), form_class(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect(_back(pk))
    try:
        said = act(ticket, form)
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        if said:
            messages.success(request, said)
    return redirect(_back(pk))


@require_POST
@staff_required
def tag_add(request, pk: int):
    def act(ticket, form):
        tag = services.add_tag(ticket, form.cleaned_data["tag"], actor=request.user)
        return _("Tag “%(tag)s” added.") % {"tag": tag.name}
    return _panel_action(request, pk, TagForm, act)


@require_POST
@staff_required
def tag_remove(request, pk: int):
    def act(ticket, form):
        name = form.cleaned_data["tag"]
        return _("Tag “%(tag)s” removed.") % {"tag": name} if services.remove_tag(ticket, name, actor=request.user) else ""
    return _panel_action(request, pk, TagForm, act)


@require_POST
@staff_required
def link_add(request, pk: int):
    def act(ticket, form):
        if (other := _other(request, form)) is None:
            return None
        services.link(ticket, other, actor=request.user)
        return _("Linked to request #%(n)d.") % {"n": other.pk}
    return _panel_action(request, pk, NumberForm, act)


@require_POST
@staff_required
def link_remove(request, pk: int):
    def act(ticket, form):
        if (other := _other(request, form)) is None:
            return None
        if services.unlink(ticket, other, actor=request.user):
            return _("The link to request #%(n)d was removed.") % {"n": other.pk}
        return ""
    return _panel_action(request, pk, NumberForm, act)


@require_POST
@staff_required
def merge(request, pk: int):
    """Merge this request (the duplicate) into the one whose number is given."""
    ticket, form = _ticket(request, pk), NumberForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect(_back(pk))
    other = _other(request, form)
    if other is None:
        return redirect(_back(pk))
    try:
        merging.merge(ticket, other, actor=request.user, expected_version=form.cleaned_data.get("version"))
    except ConflictError:
        messages.error(request, _("Someone else changed this request while you had it open. Nothing was "
                                  "merged: check their change, then merge again."))
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Request #%(dup)d was merged into this request.") % {"dup": ticket.pk})
        return redirect(_back(other.pk))
    return redirect(_back(pk))


def _safe_next(value: str) -> str:
    """Back to the queue the agent came from: only a path of the console itself."""
    parsed = urlparse(value or "")
    queue = reverse("console:queue")
    if parsed.scheme or parsed.netloc or not parsed.path.startswith(queue) or "\\" in value:
        return queue
    return value


@require_POST
@staff_required
def bulk_apply(request):
    """Apply one action to the selected queue rows; each row's outcome is a message on the
    queue page: how many were done, and each row that refused with its reason."""
    form = BulkForm(request.POST)
    back = _safe_next(request.POST.get("next", ""))
    if not form.is_valid():
        _errors(request, form)
        return redirect(back)
    action = bulk.BulkAction(form.cleaned_data["action"], form.value(), form.cleaned_data.get("reason") or "")
    try:
        results = bulk.apply(form.cleaned_data["tickets"], action, actor=request.user,
                             visible=visible_tickets(request.user))
    except TicketError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    done = sum(1 for r in results if r.ok)
    if done:
        messages.success(request, ngettext("%(n)d request changed.", "%(n)d requests changed.", done) % {"n": done})
    for row in results:
        if not row.ok:
            messages.error(request, _("#%(n)d not changed: %(reason)s") % {"n": row.ticket, "reason": row.message})
    return redirect(back)
