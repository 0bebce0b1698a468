"""/api/triage: the on-duty manager's queue and one-click actions (seed 002), proposals,
category requests (seed 001), licence keys (seed 001), special-event weekends (seed 003)
and remote-access consent. Routes translate HTTP to ``meldpunt.triage`` services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.contrib.auth import get_user_model
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from meldpunt.api.errors import NotFound
from meldpunt.api.schemas import MAX_DB_ID, ErrorOut, Text
from meldpunt.contracts.selectors import contact_of, is_staff, visible_agreements
from meldpunt.triage import requests as triage_requests
from meldpunt.triage import services, weekends
from meldpunt.triage.models import CategoryRequest, Proposal
from meldpunt.triage.selectors import (
    assessment_of,
    customer_state,
    recommended_action,
    suggested_actions,
    ticket_for,
    triage_queue,
    visible_licence_keys,
    visible_proposals,
    visible_weekends,
)

router = Router(tags=["triage"])
Id = Annotated[int, Path(ge=1, le=MAX_DB_ID)]
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ReasonIn(Schema):
    reason: Text(500) = ""


class AssessIn(Schema):
    area: Text(40) | None = None
    area_name: Text(120) | None = None
    area_scope: Text(40) | None = None


class ProposalIn(Schema):
    hours: Decimal = Field(..., gt=0, lt=100000, decimal_places=2)
    description: Text(5000, min_length=1)
    rate: Decimal | None = Field(None, ge=0, lt=100000, decimal_places=2)
    valid_until: date | None = None


class DecisionIn(Schema):
    approve: bool
    note: Text(500) = ""


class CategoryIn(Schema):
    requested: Text(20, min_length=1)
    motivation: Text(2000) = Field("", description="why it fits better; required unless the catalog asks "
                                   "for a motivation only when needed (category_motivation)")


class CategoryDecisionIn(Schema):
    accept: bool
    reason: Text(500) = ""


class LicenceKeyRequestIn(Schema):
    agreement_code: Text(40) = Field("", description="the agreement code; or, where the catalog allows it, "
                                     "company_name and company_address instead")
    company_name: Text(200) = ""
    company_address: Text(500) = ""
    version: Text(60, min_length=1)
    product: Text(120) = ""
    note: Text(5000) = ""


class LicenceKeyIn(Schema):
    key: Text(5000, min_length=1)


class WeekendIn(Schema):
    agreement: Text(40, min_length=1) = Field(..., description="agreement code")
    saturday: date = Field(..., description="the first day of the weekend (the day the catalog's window starts)")
    purpose: Text(300) = ""


class EngineerIn(Schema):
    engineer: int = Field(..., ge=1, le=MAX_DB_ID)


class ConsentIn(Schema):
    authorised_by: Text(200, min_length=1)
    authorised: bool
    present: bool
    note: Text(500) = ""


# ------------------------------------------------------------------ helpers
def _ticket(request, ticket_id: int):
    ticket = ticket_for(request.auth, ticket_id)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id}")
    return ticket


def _staff(request, what: str) -> None:
    if not is_staff(request.auth):
        raise HttpError(403, f"only vendor staff can {what}")


def _contact(request, what: str):
    contact = contact_of(request.auth)
    if contact is None:
        raise HttpError(403, f"only a customer contact can {what}")
    return contact


#: What ``completeness`` and ``coverage`` say while the worker has not assessed a new request yet.
PENDING = "pending"
_NOT_YET = object()


def triage_out(ticket, assessment=_NOT_YET) -> dict:
    """The triage outcome of ``ticket`` as stored (a read never assesses); ``pending`` until
    the follow-up of its registration has assessed it."""
    if assessment is _NOT_YET:
        assessment = assessment_of(ticket)
    outcome = {"completeness": PENDING, "missing": [], "coverage": PENDING, "reasons": [], "flags": []} if assessment is None else {
        "completeness": assessment.completeness, "missing": assessment.missing, "coverage": assessment.coverage,
        "reasons": assessment.reasons, "flags": assessment.flags}
    return {
        "ticket": ticket.pk, "kind": ticket.kind, "status": ticket.status, "triage_state": ticket.triage_state,
        "customer_state": customer_state(ticket).as_dict(), **outcome,
        # the API lists the recommended action first (pages keep one order and mark it)
        "actions": list(suggested_actions(ticket, assessment)),
        "recommended": recommended_action(ticket, assessment),
    }


def proposal_out(p: Proposal) -> dict:
    return {"id": p.pk, "ticket": p.ticket_id, "description": p.description, "hours": str(p.hours),
            "rate": str(p.rate), "amount": str(p.amount), "currency": p.currency,
            "valid_until": p.valid_until.isoformat(), "state": p.state}


# ------------------------------------------------------------------ queue and actions
@router.get("/triage/queue", response={200: list[dict], **ERRORS}, summary="New requests by response deadline (staff)")
def queue(request, limit: int = 100):
    _staff(request, "see the triage queue")
    return [{**triage_out(row.ticket, row.assessment), "subject": row.ticket.subject,
             "response_due": row.response_due.isoformat() if row.response_due else None}
            for row in triage_queue(request.auth, limit=max(1, min(limit, 500)))]


@router.get("/triage/tickets/{ticket_id}", response={200: dict, **ERRORS}, summary="Triage outcome and what the customer sees")
def triage_detail(request, ticket_id: Id):
    ticket = _ticket(request, ticket_id)
    if not is_staff(request.auth):
        return {"ticket": ticket.pk, "customer_state": customer_state(ticket).as_dict()}
    return triage_out(ticket)


@router.post("/triage/tickets/{ticket_id}/assess", response={200: dict, **ERRORS})
def assess(request, ticket_id: Id, payload: AssessIn):
    ticket = _ticket(request, ticket_id)
    _staff(request, "assess requests")
    services.assess(ticket, **payload.dict())
    return triage_out(_ticket(request, ticket_id))


@router.post("/triage/tickets/{ticket_id}/send-back", response={200: dict, **ERRORS},
             summary="Incomplete: back to the customer with what is missing (staff)")
def send_back(request, ticket_id: Id, payload: ReasonIn):
    ticket = _ticket(request, ticket_id)
    _staff(request, "triage requests")
    services.send_back(ticket, actor=request.auth, note=payload.reason)
    return triage_out(_ticket(request, ticket_id))


@router.post("/triage/tickets/{ticket_id}/accept", response={200: dict, **ERRORS},
             summary="Accept under the contract: Call / Approved (staff)")
def accept(request, ticket_id: Id, payload: ReasonIn):
    ticket = _ticket(request, ticket_id)
    _staff(request, "triage requests")
    services.accept(ticket, actor=request.auth, reason=payload.reason)
    return triage_out(_ticket(request, ticket_id))


@router.post("/triage/tickets/{ticket_id}/convert", response={200: dict, **ERRORS},
             summary="Not covered: convert to an advisory-services request (staff)")
def convert(request, ticket_id: Id, payload: ReasonIn):
    ticket = _ticket(request, ticket_id)
    _staff(request, "triage requests")
    services.convert_to_advisory(ticket, actor=request.auth, reason=payload.reason)
    return triage_out(_ticket(request, ticket_id))


# ------------------------------------------------------------------ proposals
@router.get("/triage/tickets/{ticket_id}/proposals", response={200: list[dict], **ERRORS})
def proposals(request, ticket_id: Id):
    return [proposal_out(p) for p in visible_proposals(request.auth, _ticket(request, ticket_id))]


@router.post("/triage/tickets/{ticket_id}/proposals", response={201: dict, **ERRORS}, summary="Draft a proposal (staff)")
def draft(request, ticket_id: Id, payload: ProposalIn):
    ticket = _ticket(request, ticket_id)
    _staff(request, "draft proposals")
    found = services.draft_proposal(ticket, actor=request.auth, hours=payload.hours, description=payload.description,
                                    rate=payload.rate, valid_until=payload.valid_until)
    return Status(201, proposal_out(found))


def _proposal(request, proposal_id: int) -> Proposal:
    found = Proposal.objects.filter(pk=proposal_id).first()
    if found is None or ticket_for(request.auth, found.ticket_id) is None:
        raise NotFound(f"proposal {proposal_id}")
    if not is_staff(request.auth) and found.state == "draft":
        raise NotFound(f"proposal {proposal_id}")
    return found


@router.post("/triage/proposals/{proposal_id}/send", response={200: dict, **ERRORS})
def send(request, proposal_id: Id):
    found = _proposal(request, proposal_id)
    _staff(request, "send proposals")
    return proposal_out(services.send_proposal(found, actor=request.auth))


@router.post("/triage/proposals/{proposal_id}/decision", response={200: dict, **ERRORS},
             summary="The customer approves or declines a sent proposal")
def decide(request, proposal_id: Id, payload: DecisionIn):
    found = _proposal(request, proposal_id)
    contact = _contact(request, "approve or decline a proposal")
    return proposal_out(services.decide_proposal(found, approve=payload.approve, by=request.auth,
                                                 note=payload.note, channel="api", contact=contact))


# ------------------------------------------------------------------ categories
@router.post("/triage/tickets/{ticket_id}/category-requests", response={201: dict, **ERRORS},
             summary="Ask for another category, with a motivation")
def ask_category(request, ticket_id: Id, payload: CategoryIn):
    found = triage_requests.request_category(_ticket(request, ticket_id), requested=payload.requested,
                                             motivation=payload.motivation, by=request.auth)
    return Status(201, {"id": found.pk, "state": found.state, "requested": found.requested})


@router.post("/triage/category-requests/{request_id}/decision", response={200: dict, **ERRORS})
def decide_category(request, request_id: Id, payload: CategoryDecisionIn):
    _staff(request, "decide category requests")
    found = CategoryRequest.objects.filter(pk=request_id).first()
    if found is None:
        raise NotFound(f"category request {request_id}")
    found = triage_requests.decide_category(found, accept=payload.accept, actor=request.auth, reason=payload.reason)
    found.ticket.refresh_from_db()
    return {"id": found.pk, "state": found.state, "priority": found.ticket.priority, "reason": found.reason}


# ------------------------------------------------------------------ licence keys
@router.post("/triage/licence-key-requests", response={201: dict, **ERRORS}, summary="Request a licence key")
def ask_key(request, payload: LicenceKeyRequestIn):
    contact = _contact(request, "request a licence key")
    ticket = triage_requests.request_licence_key(contact=contact, agreement_code=payload.agreement_code,
                                                 company_name=payload.company_name,
                                                 company_address=payload.company_address,
                                                 version=payload.version, product=payload.product,
                                                 note=payload.note, channel="api", actor=request.auth)
    return Status(201, {"ticket": ticket.pk, "status": ticket.status})


@router.post("/triage/tickets/{ticket_id}/licence-key", response={201: dict, **ERRORS})
def issue_key(request, ticket_id: Id, payload: LicenceKeyIn):
    ticket = _ticket(request, ticket_id)
    _staff(request, "issue licence keys")
    issued = triage_requests.issue_licence_key(ticket, key=payload.key, actor=request.auth)
    return Status(201, {"id": issued.pk, "sent_to": issued.sent_to})


@router.get("/triage/licence-keys", response={200: list[dict], **ERRORS}, summary="Keys issued (coordinators and staff)")
def keys(request):
    return [{"id": k.pk, "agreement": k.agreement.code, "product": k.product, "version": k.version, "key": k.key,
             "issued_at": k.issued_at.isoformat(), "ticket": k.ticket_id} for k in visible_licence_keys(request.auth)[:500]]


# ------------------------------------------------------------------ weekends
def weekend_out(w) -> dict:
    """A weekend with its window and what it covers (the booking confirmation), in both languages."""
    window = weekends.window_of(w)
    return {"id": w.pk, "agreement": w.agreement.code, "saturday": w.saturday.isoformat(), "state": w.state,
            "engineer": w.engineer.get_username() if w.engineer_id else None, "reason": w.reason,
            "starts_at": window[0].isoformat() if window else None, "ends_at": window[1].isoformat() if window else None,
            "covers": {lang: weekends.covered_text(w.agreement, lang) for lang in ("en", "nl")}}


@router.get("/triage/weekends", response={200: list[dict], **ERRORS})
def weekend_list(request):
    return [weekend_out(w) for w in visible_weekends(request.auth)[:500]]


@router.post("/triage/weekends", response={201: dict, **ERRORS}, summary="Request the special-event weekend")
def ask_weekend(request, payload: WeekendIn):
    agreement = visible_agreements(request.auth).filter(code=payload.agreement).first()
    if agreement is None:
        raise NotFound(f"agreement {payload.agreement}")
    found = weekends.request_weekend(agreement, saturday=payload.saturday, by=request.auth, purpose=payload.purpose)
    return Status(201, weekend_out(found))


def _weekend(request, weekend_id: int):
    found = visible_weekends(request.auth).filter(pk=weekend_id).first()
    if found is None:
        raise NotFound(f"weekend {weekend_id}")
    _staff(request, "decide weekends")
    return found


@router.post("/triage/weekends/{weekend_id}/approve", response={200: dict, **ERRORS})
def approve_weekend(request, weekend_id: Id, payload: EngineerIn):
    found = _weekend(request, weekend_id)
    engineer = get_user_model().objects.filter(pk=payload.engineer).first()
    return weekend_out(weekends.approve_weekend(found, engineer=engineer, actor=request.auth))


@router.post("/triage/weekends/{weekend_id}/refuse", response={200: dict, **ERRORS})
def refuse_weekend(request, weekend_id: Id, payload: ReasonIn):
    found = _weekend(request, weekend_id)
    return weekend_out(weekends.refuse_weekend(found, reason=payload.reason, actor=request.auth))


# ------------------------------------------------------------------ remote access
@router.post("/triage/tickets/{ticket_id}/remote-consent", response={201: dict, **ERRORS})
def consent(request, ticket_id: Id, payload: ConsentIn):
    ticket = _ticket(request, ticket_id)
    _staff(request, "record remote-access consent")
    found = triage_requests.record_remote_consent(ticket, actor=request.auth, **payload.dict())
    return Status(201, {"id": found.pk, "rule": triage_requests.remote_rule(ticket, "en")})
