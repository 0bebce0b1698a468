"""Bulk actions on the console queue's rows (issue 19 item 6).

Each selected request is changed through the same service as a change on its own page
(``assign_ticket``, ``change_status``, ``set_priority``, :func:`add_tag` / :func:`remove_tag`,
``teams.services.set_team``),
so its events, clocks and triage follow exactly as they would one by one. Each row is its
own transaction: a row that refuses (a priority its catalog does not know, a request
someone else has open and changed, a row gone) is reported with its reason and the others
are still done. Rows are done in number order, so two agents' bulk actions on overlapping
selections take the same locks in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meldpunt.organise.services import add_tag, normalise_tag, remove_tag
from meldpunt.teams.models import Team
from meldpunt.teams.services import set_team
from meldpunt.tickets.models import STATUS_CHOICES, Ticket
from meldpunt.tickets.services import TicketError, assign_ticket, change_status, set_priority

#: What a bulk action can do, and how the form names it.
ACTIONS = {
    "assign": gettext_lazy("Assign to"),
    "status": gettext_lazy("Set status"),
    "priority": gettext_lazy("Set priority"),
    "tag": gettext_lazy("Add tag"),
    "untag": gettext_lazy("Remove tag"),
    "team": gettext_lazy("Move to team"),
}
#: The most rows one bulk action takes (a page of the queue is 50).
MAX_ROWS = 200


@dataclass(frozen=True)
class RowResult:
    ticket: int
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class BulkAction:
    """``action`` (a key of :data:`ACTIONS`) with its ``value``: a user id (empty: unassign)
    for assign, a status, a priority level (with ``reason``), a tag name or a team id (empty:
    out of every team's queue)."""

    action: str
    value: str = ""
    reason: str = ""


def _number(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 19 else 0


def check(action: BulkAction):
    """The action's value as the services take it, or :class:`TicketError` for one that
    cannot apply to any row (so nothing is tried)."""
    if action.action not in ACTIONS:
        raise TicketError(_("Choose what to do with the selected requests."))
    value = action.value.strip()
    if action.action == "assign":
        if not value:
            return None
        user = get_user_model().objects.filter(pk=_number(value),
                                               is_staff=True, is_active=True).first()
        if user is None:
            raise TicketError(_("Choose a colleague to assign to."))
        return user
    if action.action == "status":
        if value not in dict(STATUS_CHOICES):
            raise TicketError(_("Choose a status."))
        return value
    if action.action == "priority":
        if not value:
            raise TicketError(_("Choose a priority."))
        if not action.reason.strip():
            raise TicketError(_("Give a reason for the new priority."))
        return value
    if action.action == "team":
        if not value:
            return None
        team = Team.objects.filter(pk=_number(value)).first()
        if team is None:
            raise TicketError(_("Choose a team."))
        return team
    return normalise_tag(value)


def _apply_one(ticket: Ticket, action: BulkAction, value, actor) -> None:
    if action.action == "assign":
        assign_ticket(ticket, value, actor=actor)
    elif action.action == "status":
        change_status(ticket, value, actor=actor)
    elif action.action == "priority":
        set_priority(ticket, actor=actor, priority=value, reason=action.reason.strip())
    elif action.action == "tag":
        add_tag(ticket, value, actor=actor)
    elif action.action == "team":
        set_team(ticket, value, actor=actor)
    else:
        remove_tag(ticket, value, actor=actor)


def apply(ticket_ids, action: BulkAction, *, actor, visible=None) -> list[RowResult]:
    """Apply ``action`` to each ticket of ``ticket_ids`` (in number order) and say per row
    whether it was done. ``visible``: the tickets the actor may change (a queryset; default
    every ticket), an id outside it is reported as not found. Raises :class:`TicketError`
    before touching any row when the action itself is invalid or the selection is empty
    or too large."""
    ids = sorted({int(pk) for pk in ticket_ids})
    if not ids:
        raise TicketError(_("Select at least one request."))
    if len(ids) > MAX_ROWS:
        raise TicketError(_("Select at most %(n)d requests at once.") % {"n": MAX_ROWS})
    value = check(action)
    base = visible if visible is not None else Ticket.objects.all()
    found = {t.pk: t for t in base.filter(pk__in=ids).select_related("agreement__catalog")}
    results = []
    for pk in ids:
        ticket = found.get(pk)
        if ticket is None:
            results.append(RowResult(pk, False, _("There is no request with that number.")))
            continue
        try:
            with transaction.atomic():
                _apply_one(ticket, action, value, actor)
        except TicketError as exc:
            results.append(RowResult(pk, False, str(exc)))
        else:
            results.append(RowResult(pk, True))
    return results
