"""/api/tickets: list, register, read with clocks and thread, reply, status and priority.

The routes only translate HTTP to the selectors (who may see what) and the ticket
services (what a change does); every rule lives there, shared with pages, CLI and mail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router, Status
from ninja.errors import HttpError

from meldpunt.api.errors import NotFound
from meldpunt.api.schemas import (
    MAX_DB_ID,
    ErrorOut,
    Language,
    MessageIn,
    MessageOut,
    PriorityIn,
    StatusIn,
    Text,
    TicketDetailOut,
    TicketFilters,
    TicketIn,
    TicketPageOut,
)
from meldpunt.api.schemas_organise import MergedOut
from meldpunt.api.staff_fields import staff_filter, with_staff_fields
from meldpunt.contracts.selectors import agreement_to_register, contact_of, is_staff
from meldpunt.tickets.clocks import explain
from meldpunt.tickets.merged import survivor
from meldpunt.tickets.models import Clock, Message, Ticket
from meldpunt.tickets.registration import register_one
from meldpunt.tickets.replies import customer_reply
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.selectors import search_page, ticket_page, visible_messages, visible_tickets
from meldpunt.tickets.services import (
    TicketError,
    add_message,
    change_status,
    set_priority,
)
from meldpunt.tickets.wording import priority_reason_words
from meldpunt.triage.selectors import customer_state

router = Router(tags=["tickets"])
Id = Annotated[int, Path(ge=1, le=MAX_DB_ID)]
IdempotencyKey = Annotated[Text(200) | None, Header(alias="Idempotency-Key")]
#: Channels a customer's own system may register through (SPEC §1: monitoring alerts arrive by API).
CUSTOMER_CHANNELS = ("api", "monitoring")
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.get("/tickets", response={200: TicketPageOut, 400: ErrorOut, 403: ErrorOut},
            summary="Tickets the caller may see, newest first; with q, those matching, best match first")
def list_tickets(request, filters: Query[TicketFilters]):
    params = filters.dict()
    q, offset = params.pop("q"), params.pop("offset")
    params["extra"] = staff_filter(request.auth, params.pop("tag"), params.pop("team"))
    if q and q.strip():
        if params.pop("before") is not None:
            raise TicketError(_("before pages the newest-first list; with q, page with offset"))
        items, next_offset = search_page(request.auth, q, offset=offset, **params)
        return {"items": with_staff_fields(request.auth, [ticket_out(t) for t in items]), "next_before": None,
                "next_offset": next_offset}
    items, next_before = ticket_page(request.auth, **params)
    return {"items": with_staff_fields(request.auth, [ticket_out(t) for t in items]), "next_before": next_before}


@router.post("/tickets", response={200: TicketDetailOut, 201: TicketDetailOut, **ERRORS},
             summary="Register a request (a repeated Idempotency-Key returns the first one with 200)")
def register_ticket(request, payload: TicketIn, idempotency_key: IdempotencyKey = None):
    user = request.auth
    staff = is_staff(user)
    contact = None if staff else contact_of(user)
    if not staff and contact is None:
        raise HttpError(403, "this account is neither vendor staff nor a customer contact")
    agreement = None
    if payload.agreement:
        agreement = agreement_to_register(user, payload.agreement)
        if agreement is None:
            raise TicketError(_("unknown agreement code %(code)r") % {"code": payload.agreement})
    if staff:
        if agreement is None:
            raise TicketError(_("agreement is required: its code names the customer organisation"))
        organisation = agreement.organisation
    else:
        organisation = contact.organisation
        if payload.priority:  # seed 001: the customer asks, an agent decides
            raise TicketError(
                "customers do not set the priority; give impact and urgency, or ask for another "
                "category in the description and an agent will decide"
            )
        if payload.channel not in CUSTOMER_CHANNELS:
            raise TicketError(_("channel must be one of %(channels)s") % {"channels": ", ".join(CUSTOMER_CHANNELS)})
        if payload.channel == "monitoring" and agreement is None:  # the catalog says who may (seed 004)
            raise TicketError(_("monitoring alerts name the agreement whose monitoring sends them (agreement)"))
    ticket, clocks, created = register_one(NewRequest(
        organisation=organisation, agreement=agreement, contact=contact,
        subject=payload.subject, description=payload.description, kind=payload.kind,
        impact=payload.impact, urgency=payload.urgency, priority=payload.priority,
        product=payload.product, product_version=payload.product_version, error_code=payload.error_code,
        reproduction=payload.reproduction, channel=payload.channel, received_at=payload.received_at if staff else None,
        idempotency_key=idempotency_key or None,
    ), actor=user)
    if created:  # answered from what was just written: its clocks, and no messages yet
        return Status(201, ticket_detail(request, ticket, clocks=clocks, messages=[]))
    try:
        ticket = _visible_ticket(request, ticket.pk)
    except NotFound:  # a colleague's request holds this key; do not show it
        raise HttpError(409, "this Idempotency-Key was already used for another request") from None
    return Status(200, ticket_detail(request, ticket))


@router.get("/tickets/{ticket_id}", response={200: TicketDetailOut, 404: ErrorOut},
            summary="A ticket with its SLA clocks and the messages the caller may read")
def get_ticket(request, ticket_id: Id, lang: Language = "en"):
    return ticket_detail(request, _visible_ticket(request, ticket_id), lang)


@router.post("/tickets/{ticket_id}/messages", response={201: MessageOut, **ERRORS, 409: MergedOut},
             summary="Reply or add an internal note; customers' messages are always public; a merged "
                     "duplicate answers 409 with the request it was merged into")
def post_message(request, ticket_id: Id, payload: MessageIn):
    ticket = _visible_ticket(request, ticket_id)
    merged = survivor(ticket) if ticket.status == "closed" else None
    if merged is not None:  # the conversation lives on there; the client posts again, knowingly
        return Status(409, {"detail": _("ticket %(ticket)s was merged into ticket %(merged)s; post the message there")
                            % {"ticket": ticket.pk, "merged": merged.pk},
                            "merged_into": merged.pk})
    if is_staff(request.auth):
        message = add_message(ticket, payload.body, author=request.auth, channel="api", public=payload.public)
    else:  # a customer's reply may reopen the request or start one that follows it up (`ticket`)
        message = customer_reply(ticket, payload.body, author=request.auth, channel="api").message
    return Status(201, message_out(message))


@router.post("/tickets/{ticket_id}/status", response={200: TicketDetailOut, **ERRORS},
             summary="Change the status (vendor staff); a stale expected_version answers 409")
def post_status(request, ticket_id: Id, payload: StatusIn):
    ticket = _staff_ticket(request, ticket_id, "change the status")
    change_status(ticket, payload.status, actor=request.auth, expected_version=payload.expected_version)
    return ticket_detail(request, _visible_ticket(request, ticket_id))


@router.post("/tickets/{ticket_id}/priority", response={200: TicketDetailOut, **ERRORS},
             summary="Set the priority, explicitly or from impact × urgency (vendor staff)")
def post_priority(request, ticket_id: Id, payload: PriorityIn):
    ticket = _staff_ticket(request, ticket_id, "change the priority")
    if not (payload.priority or payload.impact or payload.urgency):
        raise TicketError(_("give a priority, or impact and urgency"))
    set_priority(
        ticket, actor=request.auth, priority=payload.priority, impact=payload.impact,
        urgency=payload.urgency, reason=payload.reason, expected_version=payload.expected_version,
    )
    return ticket_detail(request, _visible_ticket(request, ticket_id))


# ------------------------------------------------------------------ helpers
def _visible_ticket(request, ticket_id: int) -> Ticket:
    ticket = visible_tickets(request.auth).select_related("agreement__catalog").filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(f"ticket {ticket_id}")
    return ticket


def _staff_ticket(request, ticket_id: int, action: str) -> Ticket:
    ticket = _visible_ticket(request, ticket_id)  # 404 first: never confirm another organisation's id
    if not is_staff(request.auth):
        raise HttpError(403, f"only vendor staff can {action}")
    return ticket


def ticket_out(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk, "number": ticket.number,
        "organisation": ({"id": ticket.organisation_id, "name": ticket.organisation.name}
                         if ticket.organisation_id else None),
        "agreement": ticket.agreement.code if ticket.agreement_id else None,
        "contact": {"id": ticket.contact.pk, "name": ticket.contact.name} if ticket.contact_id else None,
        **{
            field: getattr(ticket, field)
            for field in ("kind", "status", "priority", "priority_reason", "priority_provisional", "impact", "urgency", "subject",
                          "channel", "language", "received_at", "planned_at", "version", "created_at", "updated_at",
                          "triage_state")
        },
        **_seed_002(ticket),
    }


def _seed_002(ticket: Ticket) -> dict:

    state = customer_state(ticket)
    return {"category": state.category_code, "customer_status": state.status_code}


def ticket_detail(request, ticket: Ticket, lang: str = "en", *, clocks: list[Clock] | None = None,
                  messages: list[Message] | None = None) -> dict:
    """The ticket with its clocks and thread; ``clocks``/``messages`` when the caller has them."""
    order = {"response": 0, "resolution": 1}
    clocks = sorted(ticket.clocks.all() if clocks is None else clocks, key=lambda c: order.get(c.metric, 9))
    if messages is None:
        messages = visible_messages(request.auth, ticket)
    detail = with_staff_fields(request.auth, [ticket_out(ticket)])[0]
    if lang != "en":  # the stored reason is the API's English; another reader gets it worded (issue 21)
        with translation.override(lang):
            detail["priority_reason"] = priority_reason_words(ticket.priority_reason)
    return {
        **detail,
        "description": ticket.description,
        **{field: getattr(ticket, field) for field in ("product", "product_version", "error_code", "reproduction")},
        "clocks": [clock_out(clock, _clock_zone(ticket, clock.calendar), lang) for clock in clocks],
        "messages": [message_out(m) for m in messages],
    }


def _clock_zone(ticket: Ticket, calendar_id: str):
    """Clock times are shown in their calendar's zone (DESIGN: stored UTC, shown local)."""
    if ticket.agreement_id and calendar_id:
        calendar = ticket.agreement.catalog.parsed().calendars.get(calendar_id)
        if calendar is not None:
            return ZoneInfo(calendar.timezone)
    return timezone.get_default_timezone()


def clock_out(clock: Clock, zone, lang: str = "en") -> dict:
    def shown(moment: datetime | None) -> datetime | None:
        return moment.astimezone(zone) if moment is not None else None

    return {
        "metric": clock.metric, "state": clock.state, "target": clock.target, "calendar": clock.calendar,
        "started_at": shown(clock.started_at), "due_at": shown(clock.due_at),
        "stopped_at": shown(clock.stopped_at), "met": clock.met,
        "indicative": clock.indicative, "within_indicative": clock.within_indicative,
        "pauses": [
            {"start": shown(datetime.fromisoformat(start)), "end": shown(datetime.fromisoformat(end) if end else None),
             "reason": rest[0] if rest else ""}
            for start, end, *rest in clock.pauses
        ],
        "explanation": explain(clock, lang),
    }


def message_out(message: Message) -> dict:
    author = message.author
    return {
        "id": message.pk, "author": (author.get_full_name() or author.get_username()) if author else None,
        "from_customer": message.from_customer, "public": message.public, "channel": message.channel,
        "body": message.body, "created_at": message.created_at, "ticket": message.ticket_id,
    }
