"""/api/tickets/{id}/followers: who follows a request besides its reporter (issue 19).

Everyone who may see the request reads the list; vendor staff add a contact of the
organisation, or another address with ``outside: true``; the organisation's coordinator
adds contacts of the organisation; both remove followers. Other customers get 403 for a
request they see and 404 for one they do not. The rules are
:mod:`meldpunt.intake.followers`'s; a refusal answers 400 with its reason.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Path, Router, Schema, Status
from ninja.errors import HttpError

from meldpunt.api.errors import NotFound
from meldpunt.api.routes_tickets import ERRORS, Id, _visible_ticket
from meldpunt.api.schemas import MAX_DB_ID, ErrorOut, Text
from meldpunt.contracts.selectors import contact_of, is_staff
from meldpunt.intake import followers
from meldpunt.intake.followers import FollowerError
from meldpunt.tickets.services import TicketError

router = Router(tags=["tickets"])
FollowerId = Annotated[int, Path(ge=1, le=MAX_DB_ID)]


class FollowerIn(Schema):
    email: Text(254, 3)
    outside: bool = False


class FollowerOut(Schema):
    id: int
    email: str
    name: str
    contact: int | None
    source: str
    language: str


def _out(follower) -> dict:
    return {"id": follower.pk, "email": follower.email, "name": follower.name, "contact": follower.contact_id,
            "source": follower.source, "language": follower.language}


def _editor(request, ticket_id: int):
    """The request and who changes its followers: ``agent`` or ``coordinator``; 403 else."""
    ticket = _visible_ticket(request, ticket_id)
    if is_staff(request.auth):
        return ticket, "agent"
    contact = contact_of(request.auth)
    if contact is not None and contact.is_coordinator and contact.organisation_id == ticket.organisation_id:
        return ticket, "coordinator"
    raise HttpError(403, "only vendor staff and the organisation's coordinator change the followers")


@router.get("/tickets/{ticket_id}/followers", response={200: list[FollowerOut], 404: ErrorOut},
            summary="Who follows the request besides the reporter (they get the public replies by mail)")
def list_followers(request, ticket_id: Id):
    return [_out(f) for f in followers.listed(_visible_ticket(request, ticket_id))]


@router.post("/tickets/{ticket_id}/followers", response={201: FollowerOut, **ERRORS},
             summary="Add a follower: a contact of the organisation, or (vendor staff, outside: true) another address")
def add_follower(request, ticket_id: Id, payload: FollowerIn):
    ticket, source = _editor(request, ticket_id)
    try:
        follower = followers.add(ticket, payload.email, by=request.auth, source=source, outside=payload.outside)
    except FollowerError as exc:
        raise TicketError(str(exc)) from None
    return Status(201, _out(follower))


@router.delete("/tickets/{ticket_id}/followers/{follower_id}", response={204: None, **ERRORS},
               summary="Stop a follower")
def remove_follower(request, ticket_id: Id, follower_id: FollowerId):
    ticket, _source = _editor(request, ticket_id)
    if not followers.remove(ticket, follower_id, by=request.auth):
        raise NotFound(f"follower {follower_id}")
    return Status(204, None)
