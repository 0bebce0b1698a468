"""Tags, links, merge and bulk actions on tickets, and teams (issue 19 items 6 and 7), for
vendor staff. The rules live in :mod:`meldpunt.organise` and :mod:`meldpunt.teams`; a
customer gets 404 for another organisation's request and 403 for their own."""

from __future__ import annotations

from ninja import Router
from ninja.errors import HttpError

from meldpunt.api.errors import NotFound
from meldpunt.api.routes_tickets import ERRORS, Id, _staff_ticket, _visible_ticket, ticket_detail
from meldpunt.api.schemas import ErrorOut, TicketDetailOut
from meldpunt.api.schemas_organise import (
    BulkIn,
    BulkOut,
    LinkOut,
    MergeIn,
    OtherIn,
    TagIn,
    TagsOut,
    TeamIn,
    TeamOut,
)
from meldpunt.contracts.selectors import is_staff
from meldpunt.organise import bulk, merging
from meldpunt.organise.services import add_tag, link, linked_tickets, remove_tag, tags_of, unlink
from meldpunt.teams.models import Team
from meldpunt.teams.services import set_team
from meldpunt.tickets.selectors import visible_tickets

router = Router(tags=["organise"])


def _staff(request, action: str) -> None:
    if not is_staff(request.auth):
        raise HttpError(403, f"only vendor staff can {action}")


def _other(request, number: int):
    other = visible_tickets(request.auth).filter(pk=number).first()
    if other is None:
        raise NotFound(f"ticket {number}")
    return other


@router.get("/tickets/{ticket_id}/tags", response={200: TagsOut, **ERRORS}, summary="The request's tags (vendor staff)")
def get_tags(request, ticket_id: Id):
    ticket = _staff_ticket(request, ticket_id, "read tags")
    return {"tags": tags_of(ticket)}


@router.post("/tickets/{ticket_id}/tags", response={200: TagsOut, **ERRORS}, summary="Add a tag (vendor staff)")
def post_tag(request, ticket_id: Id, payload: TagIn):
    ticket = _staff_ticket(request, ticket_id, "tag a request")
    add_tag(ticket, payload.tag, actor=request.auth)
    return {"tags": tags_of(ticket)}


@router.post("/tickets/{ticket_id}/tags/remove", response={200: TagsOut, **ERRORS},
             summary="Remove a tag (vendor staff; a tag that is not there changes nothing)")
def post_untag(request, ticket_id: Id, payload: TagIn):
    ticket = _staff_ticket(request, ticket_id, "untag a request")
    remove_tag(ticket, payload.tag, actor=request.auth)
    return {"tags": tags_of(ticket)}


def _links(ticket) -> list[dict]:
    return [{"ticket": row["ticket"].pk, "subject": row["ticket"].subject, "status": row["ticket"].status,
             "how": row["how"]} for row in linked_tickets(ticket)]


@router.get("/tickets/{ticket_id}/links", response={200: list[LinkOut], **ERRORS},
            summary="Related requests and merges, either way round (vendor staff)")
def get_links(request, ticket_id: Id):
    return _links(_staff_ticket(request, ticket_id, "read links"))


@router.post("/tickets/{ticket_id}/links", response={200: list[LinkOut], **ERRORS},
             summary="Link a related request (vendor staff); shown on both")
def post_link(request, ticket_id: Id, payload: OtherIn):
    ticket = _staff_ticket(request, ticket_id, "link requests")
    link(ticket, _other(request, payload.ticket), actor=request.auth)
    return _links(ticket)


@router.post("/tickets/{ticket_id}/links/remove", response={200: list[LinkOut], **ERRORS},
             summary="Remove a related link (vendor staff)")
def post_unlink(request, ticket_id: Id, payload: OtherIn):
    ticket = _staff_ticket(request, ticket_id, "unlink requests")
    unlink(ticket, _other(request, payload.ticket), actor=request.auth)
    return _links(ticket)


@router.post("/tickets/{ticket_id}/merge", response={200: TicketDetailOut, **ERRORS},
             summary="Merge this request (a duplicate) into another of the same organisation (vendor staff)")
def post_merge(request, ticket_id: Id, payload: MergeIn):
    ticket = _staff_ticket(request, ticket_id, "merge requests")
    into = merging.merge(ticket, _other(request, payload.into), actor=request.auth,
                         expected_version=payload.expected_version)
    return ticket_detail(request, _visible_ticket(request, into.pk))


@router.post("/tickets/bulk", response={200: BulkOut, 400: ErrorOut, 403: ErrorOut},
             summary="One action on many requests, each as on its own; the result per request (vendor staff)")
def post_bulk(request, payload: BulkIn):
    _staff(request, "change requests in bulk")
    results = bulk.apply(payload.tickets, bulk.BulkAction(payload.action, payload.value, payload.reason),
                         actor=request.auth, visible=visible_tickets(request.auth))
    return {"done": sum(1 for r in results if r.ok),
            "results": [{"ticket": r.ticket, "ok": r.ok, "message": r.message} for r in results]}


@router.get("/teams", response={200: list[TeamOut], 403: ErrorOut}, summary="Teams and their members (vendor staff)")
def get_teams(request):
    _staff(request, "read teams")
    teams = Team.objects.prefetch_related("memberships__user").order_by("name")
    return [{"id": t.pk, "name": t.name, "round_robin": t.round_robin,
             "members": sorted(m.user.get_username() for m in t.memberships.all())} for t in teams]


@router.post("/tickets/{ticket_id}/team", response={200: TicketDetailOut, **ERRORS},
             summary="Put the request in a team's queue, or none (vendor staff)")
def post_team(request, ticket_id: Id, payload: TeamIn):
    ticket = _staff_ticket(request, ticket_id, "move a request to a team")
    team = None
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team).first()
        if team is None:
            raise NotFound(f"team {payload.team}")
    set_team(ticket, team, actor=request.auth)
    return ticket_detail(request, _visible_ticket(request, ticket_id))
