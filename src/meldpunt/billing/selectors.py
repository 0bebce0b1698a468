"""Reads on billing, scoped to who asks (HackSoft selectors).

Invoices are for vendor staff (all) and an organisation's coordinators (their own); plain
contacts and strangers see none. Callers turn "not in the queryset" into 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from meldpunt.billing.models import Budget, Invoice, InvoiceLine, TimeEntry
from meldpunt.contracts.models import Agreement
from meldpunt.contracts.selectors import contact_of, is_staff, own_organisation, visible_agreements
from meldpunt.core.billing import BudgetState, Month, money
from meldpunt.triage.models import Proposal

ZERO = Decimal("0.00")


def sees_billing(user) -> bool:
    """Vendor staff and customer coordinators see time, invoices and budgets; nobody else."""
    if is_staff(user):
        return True
    contact = contact_of(user)
    return contact is not None and contact.is_coordinator


def visible_invoices(user) -> QuerySet[Invoice]:
    return own_organisation(user, Invoice.objects.select_related("organisation", "credits"), coordinators=True)


def invoices_of_month(invoices: QuerySet[Invoice], month: Month) -> QuerySet[Invoice]:
    """A month's invoices and credit notes in book order (vendor, year, number), as the
    exports list them."""
    return invoices.filter(period=month.first).order_by("vendor", "year", "sequence")


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
    return BudgetState(budget.approved, money(booked), money(invoiced), budget.warn_percent)  # SQLite sums lose the cents


def proposal_budget_state(ticket) -> BudgetState | None:
    """Seed 002 per proposal: the approved proposal's amount against the billable time booked
    and invoiced on its request; None when the request has no approved proposal."""
    proposal = _approved_proposals().filter(ticket_id=ticket.pk).order_by("-decided_at", "-id").first()
    return _proposal_state(proposal) if proposal is not None else None


def _ticket_sum(rows: QuerySet) -> Coalesce:
    """``Sum(amount)`` of ``rows`` on the outer row's ticket, as one correlated subquery."""
    total = rows.filter(ticket_id=OuterRef("ticket_id")).order_by().values("ticket_id").annotate(s=Sum("amount"))
    return Coalesce(Subquery(total.values("s")), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2))


def _approved_proposals() -> QuerySet:
    """Approved proposals with ``booked`` and ``invoiced`` on their request (one query).
    A request has at most one sent or approved proposal (triage), so each is its own budget."""
    booked = TimeEntry.objects.filter(billable=True).exclude(invoiced__line__credited_by__isnull=False)
    invoiced = InvoiceLine.objects.filter(source_type__in=["time", "credit"])
    return Proposal.objects.filter(state="approved").annotate(booked=_ticket_sum(booked), invoiced=_ticket_sum(invoiced))


def _proposal_state(proposal) -> BudgetState:
    return BudgetState(proposal.amount, money(proposal.booked), money(proposal.invoiced))


def visible_proposal_budgets(user, *, limit: int = 200) -> list[tuple[object, BudgetState]]:
    """Approved proposals as budgets, most recently approved first: all for vendor staff,
    the organisation's for its coordinators (like invoices), none for anyone else."""
    proposals = _approved_proposals().select_related("ticket__organisation", "ticket__agreement")
    if not is_staff(user):
        contact = contact_of(user)
        if contact is None or not contact.is_coordinator:
            return []
        proposals = proposals.filter(ticket__organisation_id=contact.organisation_id)
    return [(p, _proposal_state(p)) for p in proposals.order_by("-decided_at", "-id")[:limit]]


def proposal_budget(proposal) -> BudgetState | None:
    """One proposal as a budget; None unless it is approved."""
    found = _approved_proposals().filter(pk=proposal.pk).first()
    return _proposal_state(found) if found is not None else None


def visible_budgets(user) -> list[tuple[Agreement, BudgetState]]:
    if not sees_billing(user):
        return []
    agreements = visible_agreements(user).filter(budget__isnull=False).select_related("budget")
    return [(a, budget_state(a)) for a in agreements]


def ticket_time(ticket) -> QuerySet[TimeEntry]:
    return ticket.time_entries.select_related("agent").order_by("started_at", "id")
