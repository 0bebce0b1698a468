"""/api/tickets/{id}/correction and /plan: vendor staff correct a request after intake and
plan a 'by planning' resolution (issue 19). The rules live in
:mod:`meldpunt.desk.corrections` and ``tickets.services.plan_resolution``; customers get
404 for another organisation's request and 403 for their own."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router

from meldpunt.api.routes_tickets import ERRORS, Id, _staff_ticket, _visible_ticket, ticket_detail
from meldpunt.api.schemas import TicketDetailOut
from meldpunt.api.schemas_corrections import CorrectionIn, PlanIn
from meldpunt.contracts.models import Agreement, Contact, Organisation
from meldpunt.desk.corrections import Correction, CorrectionError, NewContact, correct
from meldpunt.tickets.services import plan_resolution

router = Router(tags=["tickets"])


@router.post("/tickets/{ticket_id}/correction", response={200: TicketDetailOut, **ERRORS},
             summary="Correct kind, product, version, error code, steps, organisation, contact or agreement (vendor staff)")
def post_correction(request, ticket_id: Id, payload: CorrectionIn):
    ticket = _staff_ticket(request, ticket_id, "correct a request")
    new = payload.new_contact
    correct(ticket, Correction(
        kind=payload.kind, product=payload.product, product_version=payload.product_version,
        error_code=payload.error_code, reproduction=payload.reproduction,
        organisation=_row(Organisation, "organisation", pk=payload.organisation),
        agreement=_row(Agreement, "agreement", code=payload.agreement),
        contact=_row(Contact, "contact", pk=payload.contact),
        new_contact=NewContact(name=new.name, email=new.email, language=new.language) if new else None,
        reason=payload.reason,
    ), by=request.auth, expected_version=payload.expected_version)
    return ticket_detail(request, _visible_ticket(request, ticket_id))


@router.post("/tickets/{ticket_id}/plan", response={200: TicketDetailOut, **ERRORS},
             summary="Set the planned resolution date of a 'by planning' target (vendor staff)")
def post_plan(request, ticket_id: Id, payload: PlanIn):
    ticket = _staff_ticket(request, ticket_id, "plan a request")
    plan_resolution(ticket, payload.planned_at, actor=request.auth, expected_version=payload.expected_version)
    return ticket_detail(request, _visible_ticket(request, ticket_id))


def _row(model, what: str, **lookup):
    """The named row, None when not asked for; an unknown one is a 400 naming it."""
    value = next(iter(lookup.values()))
    if value is None:
        return None
    found = model.objects.filter(**lookup).first()
    if found is None:
        raise CorrectionError(_("unknown %(what)s %(value)r") % {"what": what, "value": value})
    return found
