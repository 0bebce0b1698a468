"""/api time and money: time entries on tickets, invoices with their PDF and UBL, budgets.

The routes translate HTTP to the billing selectors (who sees what: vendor staff all, an
organisation's coordinators their own, plain contacts nothing) and to
``billing.services.book_time`` (rounding, the 4-hour rule, the proposal guard, budgets).
Another organisation's id answers 404 before anything else is said about it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from meldpunt.api.errors import NotFound
from meldpunt.api.routes_tickets import IdempotencyKey
from meldpunt.api.schemas import MAX_DB_ID, ErrorOut
from meldpunt.api.schemas_billing import (
    AgreementBudgetOut,
    BookingOut,
    BudgetsOut,
    InvoiceDetailOut,
    InvoiceFilters,
    InvoicePageOut,
    ProposalBudgetOut,
    TimeEntryIn,
    TimeEntryOut,
)
from meldpunt.billing.export import download
from meldpunt.billing.models import Invoice, TimeEntry
from meldpunt.billing.pdf import render_invoice_pdf, vendor_details
from meldpunt.billing.selectors import (
    budget_state,
    invoice_lines,
    proposal_budget,
    sees_billing,
    ticket_time,
    visible_budgets,
    visible_invoices,
    visible_proposal_budgets,
)
from meldpunt.billing.services import BudgetExceeded, ProposalNotApproved, book_time
from meldpunt.billing.ubl import filename, invoice_xml
from meldpunt.billing.wording import entry_words
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.contracts.selectors import is_staff, visible_agreements
from meldpunt.core.billing import BillingError, BudgetState, Month
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.selectors import visible_tickets
from meldpunt.triage.models import Proposal

router = Router(tags=["billing"])
Id = Annotated[int, Path(ge=1, le=MAX_DB_ID)]
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS = {403: ErrorOut, 404: ErrorOut}
TYPE_CODES = {"invoice": "380", "credit_note": "381"}


def _document(content_type: str, description: str) -> dict:
    """OpenAPI for an operation that answers a file rather than JSON."""
    return {"responses": {200: {"description": description, "content": {
        content_type: {"schema": {"type": "string", "format": "binary"}}}}}}


# ------------------------------------------------------------------ time entries
@router.get("/tickets/{ticket_id}/time-entries", response={200: list[TimeEntryOut], **READ_ERRORS},
            summary="Time booked on a ticket (vendor staff and the organisation's coordinators)")
def list_time(request, ticket_id: Id):
    ticket = _ticket(request, ticket_id)
    _billing(request, "see time entries")
    staff = is_staff(request.auth)
    currency = _currency(ticket)
    return [entry_out(e, staff, currency) for e in ticket_time(ticket).select_related("invoiced__line__invoice")]


@router.post("/tickets/{ticket_id}/time-entries", response={200: BookingOut, 201: BookingOut, **ERRORS},
             summary="Book a session (vendor staff); a repeated Idempotency-Key returns the first booking with 200")
def post_time(request, ticket_id: Id, payload: TimeEntryIn, idempotency_key: IdempotencyKey = None):
    ticket = _ticket(request, ticket_id)
    if not is_staff(request.auth):
        raise HttpError(403, "only vendor staff can book time")
    try:
        booking = book_time(ticket=ticket, agent=request.auth, idempotency_key=idempotency_key or None, **payload.dict())
    except (BudgetExceeded, ProposalNotApproved) as exc:  # the state may change: approve more, approve the proposal
        raise HttpError(409, str(exc)) from None
    except BillingError as exc:
        raise HttpError(400, billing_error_words(exc)) from None
    entry = TimeEntry.objects.select_related("agent").get(pk=booking.entry.pk)
    currency = _currency(ticket)
    return Status(201 if booking.created else 200, {
        "entry": entry_out(entry, True, currency), "created": booking.created, "warnings": booking.warnings,
        "budget": budget_out(booking.budget, currency) if booking.budget else None,
    })


# ------------------------------------------------------------------ invoices
@router.get("/invoices", response=InvoicePageOut, summary="Invoices and credit notes the caller may see, newest first")
def list_invoices(request, filters: Query[InvoiceFilters]):
    invoices = visible_invoices(request.auth)
    if filters.month:
        invoices = invoices.filter(period=Month.parse(filters.month).first)
    if filters.kind:
        invoices = invoices.filter(kind=filters.kind)
    if filters.organisation:
        invoices = invoices.filter(organisation_id=filters.organisation)
    if filters.before:
        invoices = invoices.filter(id__lt=filters.before)
    rows = list(invoices.order_by("-id")[: filters.limit + 1])
    next_before = rows[filters.limit - 1].pk if len(rows) > filters.limit else None
    due = _due_days()
    return {"items": [invoice_out(i, due) for i in rows[: filters.limit]], "next_before": next_before}


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetailOut, 404: ErrorOut},
            summary="An invoice or credit note with every line and where it comes from")
def get_invoice(request, invoice_id: Id):
    invoice = _invoice(request, invoice_id)
    return {
        **invoice_out(invoice, _due_days()),
        "lines": [line_out(line) for line in invoice_lines(invoice)],
        "credit_notes": list(invoice.credit_notes.order_by("sequence").values_list("number", flat=True)),
    }


@router.get("/invoices/{invoice_id}/pdf", response={404: ErrorOut}, summary="The invoice as PDF, in the customer's language",
            openapi_extra=_document("application/pdf", "The PDF invoice"))
def invoice_pdf(request, invoice_id: Id):
    invoice = _invoice(request, invoice_id)
    return download(render_invoice_pdf(invoice), "application/pdf", f"{invoice.number}.pdf")


@router.get("/invoices/{invoice_id}/ubl", response={404: ErrorOut},
            summary="The invoice as UBL 2.1 XML (Invoice, or CreditNote for a credit note; EN 16931 core)",
            openapi_extra=_document("application/xml", "The UBL 2.1 document"))
def invoice_ubl(request, invoice_id: Id):
    invoice = _invoice(request, invoice_id)
    return download(invoice_xml(invoice), "application/xml", filename(invoice))


# ------------------------------------------------------------------ budgets
@router.get("/budgets", response=BudgetsOut, summary="Budgets per agreement and per approved proposal (staff: all)")
def list_budgets(request):
    return {
        "agreements": [agreement_budget_out(a, s) for a, s in visible_budgets(request.auth)],
        "proposals": [proposal_budget_out(p, s) for p, s in visible_proposal_budgets(request.auth, limit=500)],
    }


@router.get("/agreements/{agreement_id}/budget", response={200: AgreementBudgetOut, **READ_ERRORS},
            summary="An agreement's budget: approved, booked, invoiced, remaining")
def agreement_budget(request, agreement_id: Id):
    agreement = visible_agreements(request.auth).filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound(f"agreement {agreement_id}")
    _billing(request, "see budgets")
    state = budget_state(agreement)
    if state is None:
        raise HttpError(404, f"agreement {agreement.code} has no budget")
    return agreement_budget_out(agreement, state)


@router.get("/proposals/{proposal_id}/budget", response={200: ProposalBudgetOut, **READ_ERRORS},
            summary="An approved proposal's budget: its amount against the time booked and invoiced on its request")
def proposal_budget_view(request, proposal_id: Id):

    tickets = visible_tickets(request.auth)
    proposal = Proposal.objects.select_related("ticket__organisation", "ticket__agreement").filter(
        pk=proposal_id, ticket__in=tickets).first()
    if proposal is None or (proposal.state == "draft" and not is_staff(request.auth)):
        raise NotFound(f"proposal {proposal_id}")
    _billing(request, "see budgets")
    state = proposal_budget(proposal)
    if state is None:
        raise HttpError(404, f"proposal {proposal_id} is {proposal.state}; only an approved proposal is a budget")
    return proposal_budget_out(proposal, state)


# ------------------------------------------------------------------ helpers
def _ticket(request, ticket_id: int) -> Ticket:
    ticket = visible_tickets(request.auth).select_related("agreement__catalog").filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(f"ticket {ticket_id}")
    return ticket


def _billing(request, what: str) -> None:
    """After the 404 check: plain contacts see their requests, but not time and money."""
    if not sees_billing(request.auth):
        raise HttpError(403, f"only vendor staff and the organisation's coordinators can {what}")


def _invoice(request, invoice_id: int) -> Invoice:
    invoice = visible_invoices(request.auth).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(f"invoice {invoice_id}")
    return invoice


def _currency(ticket: Ticket) -> str:
    return ticket.agreement.catalog.parsed().currency if ticket.agreement_id else "EUR"


def _due_days():
    """Payment term per vendor, looked up once per request."""
    cache: dict[str, int] = {}

    def days(vendor: str) -> int:
        if vendor not in cache:
            cache[vendor] = vendor_details(vendor).payment_days
        return cache[vendor]

    return days


def entry_out(entry: TimeEntry, staff: bool, currency: str = "EUR") -> dict:
    """One time entry; its explanation worded in the request's language (Accept-Language)."""
    agent = entry.agent
    invoiced = getattr(entry, "invoiced", None)  # the reverse one-to-one raises an AttributeError when absent
    return {
        "id": entry.pk, "ticket": entry.ticket_id, "started_at": entry.started_at, "minutes": entry.minutes,
        "agent": (agent.get_full_name() or agent.get_username()) if agent else None,
        "billable": entry.billable, "billed_minutes": entry.billed_minutes,
        "rate": str(entry.rate) if entry.rate is not None else None, "amount": str(entry.amount),
        "explanation": entry_words(entry, currency), "note": entry.note if staff else "",
        "invoice": invoiced.line.invoice.number if invoiced else None, "created_at": entry.created_at,
    }


def budget_out(state: BudgetState, currency: str) -> dict:
    return {
        "approved": str(state.approved), "booked": str(state.booked), "invoiced": str(state.invoiced),
        "remaining": str(state.remaining), "currency": currency, "used_percent": int(state.used_percent),
        "warn_percent": state.warn_percent, "warning": state.warning, "exceeded": state.exceeded,
    }


def agreement_budget_out(agreement, state: BudgetState) -> dict:
    return {**budget_out(state, agreement.catalog.parsed().currency),
            "agreement": {"id": agreement.pk, "name": agreement.code}}


def proposal_budget_out(proposal, state: BudgetState) -> dict:
    ticket = proposal.ticket
    return {
        **budget_out(state, proposal.currency), "proposal": proposal.pk, "ticket": ticket.pk, "subject": ticket.subject,
        "organisation": {"id": ticket.organisation_id, "name": ticket.organisation.name},
        "agreement": ticket.agreement.code if ticket.agreement_id else None,
    }


def invoice_out(invoice: Invoice, due_days) -> dict:
    return {
        "id": invoice.pk, "number": invoice.number, "kind": invoice.kind, "type_code": TYPE_CODES[invoice.kind],
        "vendor": invoice.vendor, "organisation": {"id": invoice.organisation_id, "name": invoice.organisation.name},
        "period": invoice.period.strftime("%Y-%m"), "issued_on": invoice.issued_on,
        "due_on": invoice.issued_on + timedelta(days=due_days(invoice.vendor)), "currency": invoice.currency,
        "language": invoice.language, "vat_rate": str(invoice.vat_rate), "net": str(invoice.net),
        "vat": str(invoice.vat), "total": str(invoice.total), "status": invoice.status,
        "credits": invoice.credits.number if invoice.credits_id else None, "reason": invoice.reason,
    }


def line_out(line) -> dict:
    return {
        "position": line.position, "description": line.description, "source": line.source,
        "source_type": line.source_type, "quantity": str(line.quantity), "unit_price": str(line.unit_price),
        "amount": str(line.amount), "agreement": line.agreement.code if line.agreement_id else None,
        "ticket": line.ticket_id, "item": line.item,
        "credits_line": line.credited_line.position if line.credited_line_id else None,
    }
