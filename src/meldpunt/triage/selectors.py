"""Reads for triage: what the customer sees (seed 002), the on-duty manager's queue, the
billing guard, proposals, licence keys and weekends — scoped to who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from meldpunt.contracts.selectors import is_staff, own_organisation
from meldpunt.tickets.models import Clock, Ticket
from meldpunt.tickets.selectors import visible_tickets
from meldpunt.triage.completeness_words import stored_missing
from meldpunt.triage.models import Assessment, LicenceKey, Proposal, SpecialWeekend

ADVISORY_KINDS = ("advisory", "consultant")


# ------------------------------------------------------------ seed 002 state
@dataclass(frozen=True)
class CustomerState:
    category: str  # "Call", "Advisory" or "Consultant"
    status: str  # the status as the customer reads it
    code: str  # "not_accepted", "accepted" or "advisory"
    meaning: str
    status_code: str
    category_code: str = "Call"  # untranslated, for the API

    def as_dict(self) -> dict:
        return {"category": self.category_code, "status": self.status_code, "code": self.code, "meaning": self.meaning}


def customer_state(ticket: Ticket) -> CustomerState:
    """Seed 002: category "Call" + status "New" = not yet accepted; "Call" + "Approved" or
    later = accepted under the contract; another category = advisory request with a proposal.

    A request sent back for information during triage is still not accepted, so the
    customer reads "Call"/"New" (with the notice that we wait for their answer)."""
    status = ticket.get_status_display()
    if ticket.kind in ADVISORY_KINDS or ticket.triage_state == "advisory":
        category = _("Consultant") if ticket.kind == "consultant" else _("Advisory")
        return CustomerState(category, status, "advisory",
                             _("Advisory-services request: you receive a proposal before billable work starts."),
                             ticket.status, "Consultant" if ticket.kind == "consultant" else "Advisory")
    if ticket.status == "new" or ticket.triage_state == "incomplete":
        return CustomerState("Call", _("New"), "not_accepted",
                             _("Not yet accepted for handling under the support contract."), "new")
    return CustomerState("Call", status, "accepted", _("Accepted for handling under the support contract."),
                         ticket.status)


# ------------------------------------------------------------ billing guard
def proposal_block(ticket: Ticket) -> str | None:
    """Why billable time cannot be booked yet (None: it can). Seed 002: an advisory request,
    or one with a proposal, needs an approved proposal before billable work starts."""
    advisory = ticket.kind == "advisory" or ticket.triage_state == "advisory"
    proposals = Proposal.objects.filter(ticket_id=ticket.pk)
    if not advisory and not proposals.exists():
        return None
    if proposals.filter(state="approved").exists():
        return None
    return (_("request #%(number)s is an advisory-services request without an approved proposal; "
              "no billable time before the customer approves it") % {"number": ticket.pk})


# ------------------------------------------------------------ the queue
@dataclass
class TriageRow:
    ticket: Ticket
    assessment: Assessment | None  # None: being assessed
    response_due: datetime | None
    actions: tuple[str, ...]
    missing: tuple[str, ...] = ()  # what is missing, in the reader's language (pages)

    @property
    def recommended(self) -> str:
        return recommended_action(self.ticket, self.assessment)


#: Buttons stand in one order on every row; the recommended one is marked, not moved.
ACTION_ORDER = ("accept", "send_back", "convert", "propose")


def actions_for(ticket: Ticket, assessment: Assessment | None) -> tuple[str, ...]:
    """The one-click actions that make sense now, in :data:`ACTION_ORDER`."""
    suggested = suggested_actions(ticket, assessment)
    return tuple(action for action in ACTION_ORDER if action in suggested)


def recommended_action(ticket: Ticket, assessment: Assessment | None) -> str:
    """The action the assessment points to ("send_back" for an incomplete request), or ""."""
    suggested = suggested_actions(ticket, assessment)
    return suggested[0] if suggested else ""


def suggested_actions(ticket: Ticket, assessment: Assessment | None) -> tuple[str, ...]:
    """The actions that make sense now, the recommended first (the manager may still choose
    another). While the request is being assessed (``None``) the usual order; an action
    assesses it first if need be."""
    if ticket.status != "new":
        return ()
    if ticket.triage_state == "advisory":
        return ("propose",)
    if assessment is not None and assessment.completeness == "incomplete":
        return ("send_back", "accept", "convert")
    if assessment is not None and assessment.coverage == "not_covered":
        return ("convert", "accept")
    return ("accept", "send_back", "convert")


def triage_queue(user, *, limit: int = 100, language: str = "en") -> list[TriageRow]:
    """New requests for the on-duty support manager, the earliest response deadline first,
    then those without a running response clock (oldest first). One query; what is missing
    reads in ``language``."""
    due = Clock.objects.filter(ticket_id=OuterRef("pk"), metric="response", state="running").values("due_at")[:1]
    tickets = (
        visible_tickets(user).filter(status="new")
        .annotate(response_due=Subquery(due))
        .select_related("assessment", "organisation", "agreement__catalog")
        .order_by(F("response_due").asc(nulls_last=True), "received_at", "id")[:limit]
    )
    rows = []
    for ticket in tickets:
        assessment = _assessment(ticket)
        rows.append(TriageRow(ticket, assessment, ticket.response_due, actions_for(ticket, assessment),
                              tuple(missing_words(ticket, assessment, language))))
    return rows


def missing_words(ticket: Ticket, assessment: Assessment | None, language: str) -> list[str]:
    """What the stored assessment found missing, in the reader's ``language``: the assessment
    words it in the customer's language (for the mail that asks for it); an agent reads it in
    their own, from the catalog's completeness table."""
    if assessment is None or not assessment.missing:
        return []
    requirements = ticket.agreement.catalog.parsed().completeness.get(ticket.kind, ()) if ticket.agreement_id else ()
    return [m.text for m in stored_missing(requirements, assessment.missing, language)]


def _assessment(ticket: Ticket) -> Assessment | None:
    try:
        return ticket.assessment
    except Assessment.DoesNotExist:  # the worker has not come by yet: "being assessed"
        return None


def assessment_of(ticket: Ticket) -> Assessment | None:
    """The request's stored assessment; None while the follow-up of its registration has not
    assessed it yet (pages say "being assessed"). A read never assesses: that is the
    worker's (:mod:`meldpunt.triage.followup`) or an agent's action."""
    return Assessment.objects.filter(ticket=ticket).first()


# ------------------------------------------------------------ customer views
def visible_proposals(user, ticket: Ticket) -> QuerySet[Proposal]:
    """Staff see drafts too; customers only what was sent to them."""
    proposals = Proposal.objects.filter(ticket=ticket).order_by("-created_at", "-id")
    return proposals if is_staff(user) else proposals.exclude(state="draft")


def open_proposal(user, ticket: Ticket) -> Proposal | None:
    return visible_proposals(user, ticket).filter(state="sent").first()


def visible_licence_keys(user) -> QuerySet[LicenceKey]:
    """Seed 001: keys go to the coordinator; in the portal only coordinators see them."""
    keys = LicenceKey.objects.select_related("agreement", "ticket").order_by("-issued_at", "-id")
    return own_organisation(user, keys, "agreement__organisation_id", coordinators=True)


def visible_weekends(user) -> QuerySet[SpecialWeekend]:
    weekends = SpecialWeekend.objects.select_related("agreement__organisation", "engineer").order_by("saturday", "id")
    return own_organisation(user, weekends, "agreement__organisation_id")


def ticket_for(user, pk: int) -> Ticket | None:
    return visible_tickets(user).select_related("agreement__catalog", "contact").filter(pk=pk).first()
