"""Reads on billing, scoped to who asks (HackSoft selectors).

Invoices are for vendor staff (all) and an organisation's coordinators (their own); plain
contacts and strangers see none. Callers turn "not in the queryset" into 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet, Sum

from meldpunt.billing.models import Budget, Invoice, InvoiceLine, TimeEntry
from meldpunt.contracts.models import Agreement
from meldpunt.contracts.selectors import contact_of, is_staff, visible_agreements
from meldpunt.core.billing import BudgetState

ZERO = Decimal("0.00")


def visible_invoices(user) -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related("organisation", "credits")
    if is_staff(user):
        return invoices
    contact = contact_of(user)
    if contact is None or not contact.is_coordinator:
        return invoices.none()
    return invoices.filter(organisation_id=contact.organisation_id)


def invoice_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return invoice.lines.select_related("agreement", "ticket", "credited_line__invoice").order_by("position")


def uncredited_time(agreement: Agreement) -> QuerySet[TimeEntry]:
    """Billable time on the agreement's tickets that no credit note has withdrawn."""
    return TimeEntry.objects.filter(ticket__agreement=agreement, billable=True).exclude(
        invoiced__line__credited_by__isnull=False
    )


def budget_state(agreement: Agreement) -> BudgetState | None:
    """Approved, booked and invoiced for an agreement with a budget; None without one."""
    try:
        budget = agreement.budget
    except Budget.DoesNotExist:
        return None
    booked = uncredited_time(agreement).aggregate(s=Sum("amount"))["s"] or ZERO
    invoiced = (
        InvoiceLine.objects.filter(ticket__agreement=agreement, source_type__in=["time", "credit"])
        .aggregate(s=Sum("amount"))["s"] or ZERO
    )
    return BudgetState(budget.approved, booked, invoiced, budget.warn_percent)


def proposal_budget_state(ticket) -> BudgetState | None:
    """Seed 002 per proposal: the approved proposal's amount against the billable time booked
    and invoiced on its request; None when the request has no approved proposal."""
    from meldpunt.triage.models import Proposal

    proposal = Proposal.objects.filter(ticket_id=ticket.pk, state="approved").order_by("-decided_at", "-id").first()
    if proposal is None:
        return None
    entries = TimeEntry.objects.filter(ticket_id=ticket.pk, billable=True).exclude(invoiced__line__credited_by__isnull=False)
    booked = entries.aggregate(s=Sum("amount"))["s"] or ZERO
    invoiced = (
        InvoiceLine.objects.filter(ticket_id=ticket.pk, source_type__in=["time", "credit"]).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    return BudgetState(proposal.amount, booked, invoiced)


def visible_budgets(user) -> list[tuple[Agreement, BudgetState]]:
    agreements = visible_agreements(user).filter(budget__isnull=False).select_related("budget")
    if not is_staff(user):
        contact = contact_of(user)
        if contact is None or not contact.is_coordinator:
            return []
    return [(a, budget_state(a)) for a in agreements]


def ticket_time(ticket) -> QuerySet[TimeEntry]:
    return ticket.time_entries.select_related("agent").order_by("started_at", "id")
