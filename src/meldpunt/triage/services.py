"""Seed 002 triage: completeness first, then coverage; accept, send back, or convert to an
advisory-services request with a proposal. Plain functions, one business action each, in a
transaction; every decision is in the ticket's event log. The rules are catalog data applied
by :mod:`meldpunt.core.completeness` (worded by :mod:`meldpunt.triage.completeness_words`) and
:mod:`meldpunt.core.coverage`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt import localformat
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.contracts.models import Agreement
from meldpunt.contracts.services import check_limits
from meldpunt.core.billing import BillingError, money, parse_amount
from meldpunt.core.coverage import Reason, Subject, Terms, check_coverage
from meldpunt.core.vocabulary import supported_language
from meldpunt.intake import outbox
from meldpunt.tickets import events
from meldpunt.tickets.clocks import recompute_clocks
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.services import (
    TicketError,
    change_kind,
    change_status,
    request_information,
    set_triage_state,
)
from meldpunt.triage.completeness_words import information_request, stored_missing, worded_completeness
from meldpunt.triage.models import Assessment, Proposal
from meldpunt.triage.reason_words import kind_names, stored_reason

#: Kinds the customer reads as "advisory with a proposal" besides the catalog's advisory kind.
ADVISORY_KINDS = ("advisory", "consultant")


class TriageError(TicketError):
    """A triage action that cannot be done, with the reason (API: 400)."""


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("agreement__catalog", "contact").get(pk=ticket.pk)


# ------------------------------------------------------------------ assessment
def terms_of(agreement: Agreement) -> Terms:
    """The agreement as :mod:`meldpunt.core.coverage` reads it."""
    catalog = agreement.catalog.parsed()
    rows = list(agreement.addons.all())
    try:
        entitlements = catalog.entitlements(agreement.package, [a.addon for a in rows])
    except KeyError:
        entitlements = catalog.package(agreement.package).entitlements
    return Terms(
        code=agreement.code, covers=catalog.package(agreement.package).covers, entitlements=entitlements,
        starts_on=agreement.starts_on, ends_on=agreement.ends_on,
        names={a.addon: tuple(a.names or ()) for a in rows},
        limit_excesses=tuple(e.words() for e in check_limits(agreement)),
    )


def assess(ticket: Ticket, *, area: str | None = None, area_name: str | None = None,
           area_scope: str | None = None, new: bool = False) -> Assessment:
    """Check completeness and coverage now and store the outcome with its reasons.

    Runs at intake (``new``: the ticket was just registered, so one insert and no lookup;
    the worker's follow-up uses :func:`assess_new` for a chunk) and again whenever an agent
    asks (e.g. after naming the integration).
    """
    assessment = Assessment(ticket=ticket) if new else Assessment.objects.get_or_create(ticket=ticket)[0]
    scope_before = assessment.area_scope
    for name, value in (("area", area), ("area_name", area_name), ("area_scope", area_scope)):
        if value is not None:
            setattr(assessment, name, value.strip())
    _judge(assessment, ticket, terms_of(ticket.agreement) if ticket.agreement is not None else None)
    assessment.save()
    if (assessment.area_scope != scope_before and ticket.agreement is not None
            and ticket.agreement.catalog.parsed().special_weekend is not None):
        recompute_clocks(ticket)  # a special-event weekend covers standard products only
    return assessment


def assess_new(tickets: list[Ticket]) -> list[Assessment]:
    """:func:`assess` (``new``) of just registered tickets at once, as the worker's follow-up
    takes them: each agreement's terms (add-ons, limits) are worked out once for all its
    tickets, and the assessments are written in one insert."""
    terms: dict[int, Terms] = {}
    rows = []
    for ticket in tickets:
        agreement = ticket.agreement
        if agreement is not None and agreement.pk not in terms:
            terms[agreement.pk] = terms_of(agreement)
        assessment = Assessment(ticket=ticket)
        _judge(assessment, ticket, terms[agreement.pk] if agreement is not None else None)
        rows.append(assessment)
    return Assessment.objects.bulk_create(rows)


def _judge(assessment: Assessment, ticket: Ticket, terms: Terms | None) -> None:
    """Fill ``assessment`` with the outcome for ``ticket`` under its agreement's ``terms``."""
    agreement = ticket.agreement
    if agreement is None or terms is None:
        assessment.completeness = assessment.coverage = "unknown"
        assessment.missing, assessment.flags = [], []
        assessment.reasons = [stored_reason(Reason("agreement", gettext_noop(
            "No agreement: place the request with an organisation first")))]
        return
    catalog = agreement.catalog.parsed()
    values = {
        "subject": ticket.subject, "description": ticket.description, "product": ticket.product,
        "product_version": ticket.product_version, "error_code": ticket.error_code,
        "reproduction": ticket.reproduction, "agreement": agreement.code,
    }
    language = supported_language(ticket.language)
    completeness = worded_completeness(catalog.completeness.get(ticket.kind, ()), values, language)
    subject = Subject(
        kind=ticket.kind, on=timezone.localtime(ticket.received_at).date(),
        text=f"{ticket.subject}\n{ticket.description}", area=assessment.area, name=assessment.area_name,
        scope=assessment.area_scope,
    )
    coverage = check_coverage(catalog.coverage, terms, subject, kind_names(ticket.kind))
    assessment.completeness = completeness.outcome
    assessment.missing = [m.as_dict() for m in completeness.missing]
    assessment.coverage = coverage.outcome
    assessment.reasons = [stored_reason(r) for r in coverage.reasons]
    assessment.flags = [stored_reason(r) for r in coverage.flags]


def assessment_for(ticket: Ticket) -> Assessment:
    """The request's assessment for an action that decides on it (accept, convert): the
    stored one, or made now if the worker has not come by yet (a write; pages read
    :func:`meldpunt.triage.selectors.assessment_of`, which never assesses)."""
    found = Assessment.objects.filter(ticket=ticket).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return assess(ticket, new=True)
    except IntegrityError:  # a reader and the worker came at once: the other one wrote it
        return Assessment.objects.get(ticket=ticket)


def _must_be_new(ticket: Ticket, action: str) -> None:
    if ticket.status != "new":
        raise TriageError(_("only a new request can be %(action)s; #%(number)s is %(status)s")
                          % {"action": action, "number": ticket.pk, "status": ticket.get_status_display()})


@transaction.atomic
def send_back(ticket: Ticket, *, actor=None, note: str = "") -> Ticket:
    """Seed 002: an incomplete request goes back to the customer with what is missing, in
    their language; the resolution clock pauses and their answer returns it to triage."""
    ticket = _locked(ticket)
    _must_be_new(ticket, _("sent back"))
    assessment = assess(ticket)
    language = outbox.customer_language(ticket)
    if not assessment.missing and not note.strip():
        raise TriageError(_("the request is complete; say what is missing in a note to send it back anyway"))
    from meldpunt.core.completeness import Completeness

    requirements = ticket.agreement.catalog.parsed().completeness.get(ticket.kind, ()) if ticket.agreement_id else ()
    result = Completeness(False, stored_missing(requirements, assessment.missing, language))
    body = information_request(result, language, ticket.pk)
    if note.strip():
        body = f"{note.strip()}\n\n{body}" if result.missing else note.strip()
    request_information(ticket, body, actor=actor, resume="new")
    return set_triage_state(ticket, "incomplete", actor=actor, reason="; ".join(m["field"] for m in assessment.missing))


def customer_answered(ticket: Ticket) -> None:
    """The answer to a triage information request is in: the request is back in triage."""
    Assessment.objects.filter(ticket=ticket).update(answered_at=timezone.now())
    if ticket.triage_state == "incomplete":
        set_triage_state(ticket, "", reason="customer answered")


@transaction.atomic
def accept(ticket: Ticket, *, actor=None, reason: str = "") -> Ticket:
    """Accept under the contract: the customer sees category "Call" with status "Approved".

    When the check found the request not covered (or incomplete) the manager must say why
    they accept it anyway; that reason is in the event log."""
    ticket = _locked(ticket)
    _must_be_new(ticket, _("accepted"))
    assessment = assessment_for(ticket)
    if (assessment.coverage == "not_covered" or assessment.completeness == "incomplete") and not reason.strip():
        raise TriageError(_("the check found this request incomplete or not covered; give a reason to accept it anyway"))
    ticket = set_triage_state(ticket, "accepted", actor=actor, reason=reason.strip() or "covered by the contract")
    return change_status(ticket, "approved", actor=actor)


@transaction.atomic
def convert_to_advisory(ticket: Ticket, *, actor=None, reason: str = "") -> Ticket:
    """Not covered → an advisory-services request (seed 002); its history stays, the old
    kind and the reasons are in the event log, and the customer is told by mail."""
    ticket = _locked(ticket)
    if ticket.agreement_id is None:
        raise TriageError(_("place the request with an organisation and agreement first"))
    if ticket.triage_state == "advisory":
        return ticket
    assessment = assessment_for(ticket)
    rules = ticket.agreement.catalog.parsed().coverage
    why = reason.strip() or "; ".join(r["en"] for r in assessment.reasons) or "not covered by the contract"
    if ticket.kind not in ADVISORY_KINDS:
        ticket = change_kind(ticket, rules.advisory_kind, actor=actor, reason=why)
    ticket = set_triage_state(ticket, "advisory", actor=actor, reason=why)
    language = outbox.customer_language(ticket)
    texts = [r.get(language) or r["en"] for r in assessment.reasons if r["code"] != "covered"]
    outbox.queue(ticket, "advisory", message=reason.strip() or "\n".join(f"- {t}" for t in texts))
    return ticket


# ------------------------------------------------------------------ proposals
def _consultant_minutes(ticket: Ticket) -> int | None:
    value = ticket.agreement.catalog.parsed().billing.get("consultant_threshold_minutes")
    return int(value) if value else None


@transaction.atomic
def draft_proposal(ticket: Ticket, *, actor=None, hours: Decimal | str, description: str,
                   rate: Decimal | str | None = None, valid_until: date | None = None) -> Proposal:
    """Draft (or redraft) the proposal of an advisory request. At or above the catalog's
    consultant threshold (Invantive: 4 hours) the request becomes a consultant request for
    sales (seed 001)."""
    ticket = _locked(ticket)
    if ticket.triage_state != "advisory" and ticket.kind not in ADVISORY_KINDS:
        raise TriageError(_("convert the request to an advisory-services request first"))
    if ticket.agreement_id is None:  # the kind may have been set by hand (admin) on a stranger's mail
        raise TriageError(_("place the request with an organisation and agreement first"))
    if not description.strip():
        raise TriageError(_("describe the work the proposal is for"))
    try:
        estimate = parse_amount(hours, "hours")
        catalog = ticket.agreement.catalog.parsed()
        price = parse_amount(rate, "rate") if rate not in (None, "") else parse_amount(catalog.billing.get("hourly_rate", "0"), "rate")
    except BillingError as exc:
        raise TriageError(billing_error_words(exc)) from None
    if not Decimal("0") < estimate < Decimal("100000"):
        raise TriageError(_("hours: the estimate must be more than zero and below 100000"))
    if price <= 0:
        raise TriageError(_("rate: the catalog sets no hourly rate; give the rate"))
    if price >= 100000:
        raise TriageError(_("rate: an hourly rate must be below 100000"))
    today = timezone.localdate()
    valid_until = valid_until or today + timedelta(days=catalog.coverage.proposal_valid_days)
    if valid_until < today:
        raise TriageError(_("valid_until: the proposal must be valid today or later"))
    if ticket.proposals.filter(state__in=("sent", "approved")).exists():
        raise TriageError(_("this request already has a proposal that was sent or approved"))
    proposal = ticket.proposals.filter(state="draft").first() or Proposal(ticket=ticket, created_by=actor)
    proposal.description, proposal.hours, proposal.rate = description.strip(), estimate, price
    proposal.amount, proposal.currency, proposal.valid_until = money(estimate * price), catalog.currency, valid_until
    proposal.save()
    events.record(ticket, "proposal", actor=actor, state="draft", proposal=proposal.pk, hours=str(estimate),
           amount=str(proposal.amount), currency=proposal.currency, valid_until=valid_until.isoformat())
    threshold = _consultant_minutes(ticket)
    consultant = catalog.coverage.consultant_kind
    if threshold and estimate * 60 >= threshold and consultant in catalog.kinds and ticket.kind != consultant:
        change_kind(ticket, consultant, actor=actor,
                    reason=f"estimate {estimate} h ≥ {Decimal(threshold) / 60:g} h: a consultant request for sales")
    return proposal


def proposal_text(proposal: Proposal, language: str) -> str:
    """The proposal as the customer reads it, figures in their notation ("€ 125,00", "2,00",
    "5 januari 2027" / "€125.00", "2.00", "5 January 2027")."""
    with translation.override(language):
        return "\n".join([
            proposal.description, "",
            _("Estimated hours: %(hours)s") % {"hours": localformat.number(proposal.hours, 2, language)},
            _("Hourly rate: %(rate)s") % {"rate": localformat.money(proposal.rate, proposal.currency, language)},
            _("Amount: %(amount)s excl. VAT") % {"amount": localformat.money(proposal.amount, proposal.currency, language)},
            _("Valid until: %(day)s") % {"day": localformat.day(proposal.valid_until, language)},
        ])


@transaction.atomic
def send_proposal(proposal: Proposal, *, actor=None) -> Proposal:
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("ticket__contact", "ticket__agreement__catalog").get(pk=proposal.pk)
    if proposal.state != "draft":
        raise TriageError(_("only a draft can be sent; this proposal is %(state)s") % {"state": proposal.get_state_display()})
    if proposal.valid_until < timezone.localdate():
        raise TriageError(_("the proposal's validity date has passed; redraft it"))
    proposal.state, proposal.sent_at = "sent", timezone.now()
    proposal.save(update_fields=["state", "sent_at"])
    ticket = proposal.ticket
    events.record(ticket, "proposal", actor=actor, state="sent", proposal=proposal.pk)
    language = outbox.customer_language(ticket)
    outbox.queue(ticket, "proposal", message=proposal_text(proposal, language))
    return proposal


@transaction.atomic
def decide_proposal(proposal: Proposal, *, approve: bool, by=None, note: str = "", channel: str = "portal",
                    contact=None) -> Proposal:
    """The customer approves or declines (portal, API or a reply by mail). Approval starts the
    work (status Approved); a declined request is closed with no billable work done.

    ``by`` is the deciding user; ``contact`` the customer contact who decided (a reply by
    mail may come from a contact without a login): the event log names them and the channel."""
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=proposal.pk)
    if proposal.state == "sent" and proposal.valid_until < timezone.localdate():
        proposal.state = "expired"
        proposal.save(update_fields=["state"])
        events.record(proposal.ticket, "proposal", actor=None, state="expired", proposal=proposal.pk)
    if proposal.state != "sent":
        raise TriageError(_("this proposal is %(state)s; only a sent proposal can be decided")
                          % {"state": proposal.get_state_display().lower()})
    proposal.state = "approved" if approve else "declined"
    proposal.decided_at, proposal.decided_by, proposal.decision_note = timezone.now(), by, note.strip()[:500]
    proposal.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    ticket = proposal.ticket
    who = {"contact": contact.pk, "by": str(contact)} if contact is not None else {}
    events.record(ticket, "proposal", actor=by, state=proposal.state, proposal=proposal.pk, channel=channel, note=proposal.decision_note,
           **who)
    if ticket.status not in ("resolved", "closed"):
        change_status(ticket, "approved" if approve else "closed", actor=by)
    return proposal


def expire_proposals(today: date | None = None) -> int:
    """Sent proposals past their validity date become expired (run daily by the worker)."""
    today = today or timezone.localdate()
    count = 0
    for proposal in Proposal.objects.filter(state="sent", valid_until__lt=today).select_related("ticket"):
        with transaction.atomic():
            if Proposal.objects.filter(pk=proposal.pk, state="sent").update(state="expired"):
                events.record(proposal.ticket, "proposal", actor=None, state="expired", proposal=proposal.pk)
                count += 1
    return count
