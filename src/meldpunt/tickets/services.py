"""Writes on tickets: register, reply, change status or priority, plan (HackSoft services).

Each is one business action inside a transaction that appends to the event log and
recomputes the clocks. Pages, API, CLI and worker all call these functions.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Agreement
from meldpunt.contracts.vocabulary_words import entitlement_label
from meldpunt.core.channels import CATALOG_ONLY_CHANNELS, missing_entitlement, refused_kind
from meldpunt.core.priority import PriorityError, initial_priority, reason_text
from meldpunt.tickets import events, search_index, signals
from meldpunt.tickets.clocks import clocks_for_new, recompute_clocks
from meldpunt.tickets.models import (
    KIND_CHOICES,
    OPEN_STATUSES,
    STATUS_CHOICES,
    UNRANKED,
    Clock,
    Message,
    Ticket,
    channel_label,
)
from meldpunt.tickets.ranks import package_rank
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.wording import priority_error_words

KINDS = {k for k, _label in KIND_CHOICES}
STATUSES = {s for s, _label in STATUS_CHOICES}


class TicketError(ValueError):
    """A request that cannot be carried out, with a message for the person who asked."""


class ConflictError(TicketError):
    """Someone else changed the ticket since it was read."""


def _decide_priority(agreement: Agreement | None, kind: str, impact: str, urgency: str, requested: str | None):
    """The priority at registration; without impact and urgency the catalog's provisional
    level, to be assessed (seed 004 step 2: the desk assesses the priority after intake)."""
    if agreement is None:
        return None
    try:
        return initial_priority(agreement.catalog.parsed().priority, kind, impact=impact, urgency=urgency,
                                requested=requested)
    except PriorityError as exc:
        raise TicketError(priority_error_words(exc)) from None


class Registered(NamedTuple):
    """A registered request: the ticket, its clocks as written (none when an idempotency
    key handed back an earlier ticket) and whether it is new."""

    ticket: Ticket
    clocks: list[Clock]
    created: bool


def register(request: NewRequest, *, actor=None) -> Registered:
    """Write a request once, with its clocks; callers that answer with the deadlines
    (the API) use the clocks as written instead of reading them back. ``actor``: who
    registers it (the 'created' event's actor), None for the system. Channels call
    :mod:`meldpunt.tickets.registration`, which adds the follow-up.

    The same ``idempotency_key`` within an organisation returns the existing ticket
    instead of a second one (a request is registered once however often it is sent).
    """
    organisation, idempotency_key = request.organisation, request.idempotency_key
    if idempotency_key:
        existing = Ticket.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
        if existing:
            return Registered(existing, [], False)
    ticket, clocks = _build(request)
    try:
        # A savepoint only where a concurrent twin can collide on the idempotency key.
        with transaction.atomic(savepoint=bool(idempotency_key)):
            Ticket.objects.bulk_create([ticket])  # as register_tickets: no save signals on these rows
            for clock in clocks:
                clock.ticket = ticket
            Clock.objects.bulk_create(clocks)
            events.record_rows([events.created(ticket, actor)])
            search_index.write([search_index.document(ticket)])
            signals.ticket_created.send(Ticket, ticket=ticket)
    except IntegrityError:
        if idempotency_key:  # a concurrent twin won the race: hand back its ticket
            return Registered(Ticket.objects.get(organisation=organisation, idempotency_key=idempotency_key), [], False)
        raise
    return Registered(ticket, clocks, True)


def register_tickets(requests: list[NewRequest]) -> list[Ticket]:
    """Write many requests at once (mail intake's batches, through
    :mod:`meldpunt.tickets.registration`): the same checks, clocks, events and
    ``ticket_created`` signal as :func:`register`, with the tickets, clocks
    and events written in three bulk inserts, by the system (no actor). The requests carry
    no idempotency key: callers register these once by other means. The caller holds the
    transaction; a bad request raises TicketError and nothing of the batch is kept."""
    built = [_build(request) for request in requests]
    tickets = Ticket.objects.bulk_create([ticket for ticket, _clocks in built])
    clocks = []
    for ticket, own in built:
        for clock in own:
            clock.ticket = ticket
            clocks.append(clock)
    Clock.objects.bulk_create(clocks)
    events.record_rows(events.created(t) for t in tickets)
    search_index.write(search_index.document(t) for t in tickets)
    for ticket in tickets:
        signals.ticket_created.send(Ticket, ticket=ticket)
    return tickets


def _build(request: NewRequest) -> tuple[Ticket, list[Clock]]:
    """A checked, unsaved ticket and its clocks (computed before the insert: the ticket
    carries ``next_due_at``)."""
    r = request
    organisation, agreement, contact, kind = r.organisation, r.agreement, r.contact, r.kind
    if kind not in KINDS:
        raise TicketError(_("kind must be one of %(kinds)s") % {"kinds": ", ".join(sorted(KINDS))})
    if r.status not in STATUSES:
        raise TicketError(_("status must be one of %(statuses)s") % {"statuses": ", ".join(s for s, _label in STATUS_CHOICES)})
    if not r.subject.strip():
        raise TicketError(_("subject is required"))
    if agreement is not None and (organisation is None or agreement.organisation_id != organisation.pk):
        raise TicketError(_("the agreement belongs to another organisation"))
    if agreement is not None and kind not in agreement.catalog.parsed().kinds:
        raise TicketError(_("catalog %(catalog)s does not take %(kind)s requests") % {"catalog": agreement.catalog.vendor, "kind": kind})
    if agreement is not None:  # catalog channel rules: monitoring, emergency line (seed 004)
        _check_channel(agreement, r.channel, kind)
    elif r.channel in CATALOG_ONLY_CHANNELS:
        raise TicketError(_("a request by %(channel)s needs the agreement it comes in on") % {
            "channel": channel_label(r.channel).lower()})
    decision = _decide_priority(agreement, kind, r.impact, r.urgency, r.priority)
    ticket = Ticket(
        organisation=organisation,
        agreement=agreement,
        contact=contact,
        kind=kind,
        status=r.status,
        subject=r.subject.strip()[:300],
        description=r.description,
        channel=r.channel,
        received_at=r.received_at or timezone.now(),
        impact=r.impact or "",
        urgency=r.urgency or "",
        priority=decision.level if decision else "",
        priority_rank=_rank(agreement, decision.level if decision else ""),
        package_rank=package_rank(agreement),
        priority_reason=decision.reason if decision else ("" if agreement is None else reason_text("unassessed")),
        priority_provisional=bool(decision and decision.provisional),
        language=r.language or (contact.language if contact else organisation.language if organisation else "en"),
        idempotency_key=r.idempotency_key or None,
        product=r.product.strip()[:120],
        product_version=r.product_version.strip()[:60],
        error_code=r.error_code.strip()[:120],
        reproduction=r.reproduction,
        reporter_email=r.reporter_email or (contact.email if contact else ""),
        reporter_name="" if contact else r.reporter_name[:200],
    )
    # A request registered as resolved or closed (imported history) has no clock to run.
    return ticket, clocks_for_new(ticket) if ticket.status in OPEN_STATUSES else []


def _check_channel(agreement: Agreement, channel: str, kind: str) -> None:
    """A channel the catalog ties to an entitlement is open only to agreements that have it,
    one it ties to kinds only to those kinds; a channel only a catalog defines needs its rule."""
    catalog = agreement.catalog.parsed()
    if channel not in catalog.channels and channel not in CATALOG_ONLY_CHANNELS:
        return
    try:
        granted = catalog.entitlements(agreement.package, agreement.addon_ids())
    except KeyError:
        granted = catalog.package(agreement.package).entitlements
    words = {"code": agreement.code, "channel": channel_label(channel).lower()}
    if channel not in catalog.channels:  # a channel only some catalogs define (the emergency line)
        raise TicketError(_("agreement %(code)s: this catalog has no %(channel)s channel") % words)
    missing = missing_entitlement(catalog.channels, channel, granted)
    if missing:
        raise TicketError(_("agreement %(code)s: requests by %(channel)s need the entitlement “%(entitlement)s”, "
                            "which this agreement does not include") % {
            **words, "entitlement": entitlement_label(missing)})
    if refused_kind(catalog.channels, channel, kind):
        kinds = dict(KIND_CHOICES)
        raise TicketError(_("agreement %(code)s: the %(channel)s channel takes only %(kinds)s requests") % {
            **words, "kinds": ", ".join(str(kinds.get(k, k)).lower() for k in sorted(catalog.channels[channel].kinds or ()))})


def _rank(agreement: Agreement | None, level: str) -> int:
    return agreement.catalog.parsed().priority.rank(level, UNRANKED) if agreement is not None else UNRANKED


def _lock(ticket: Ticket, expected_version: int | None) -> Ticket:
    """Lock the row and refuse a stale write (optimistic concurrency on ``version``)."""
    fresh = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(
            _("ticket #%(number)s was changed by someone else (version %(version)s, you had %(expected)s); reload and try again")
            % {"number": fresh.pk, "version": fresh.version, "expected": expected_version}
        )
    return fresh


def _bump(ticket: Ticket, fields: list[str]) -> None:
    """Save a change (raising the version); one to a searched field rewrites the search document."""
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])
    if search_index.SEARCHED_FIELDS.intersection(fields):
        search_index.refresh([ticket.pk])


@transaction.atomic
def change_status(ticket: Ticket, status: str, *, actor=None, expected_version: int | None = None, at: datetime | None = None,
                  resume: str | None = None) -> Ticket:
    """Move a ticket to ``status``; waiting on the customer pauses the resolution clock.

    ``resume``: with ``waiting_customer``, the status the customer's answer returns the
    ticket to (default in progress; triage sends an incomplete new request back to new)."""
    if status not in STATUSES:
        raise TicketError(_("status must be one of %(statuses)s") % {"statuses": ", ".join(s for s, _label in STATUS_CHOICES)})
    ticket = _lock(ticket, expected_version)
    old = ticket.status
    if old == status:
        return ticket
    at = at or timezone.now()
    resolution = Clock.objects.filter(ticket=ticket, metric="resolution").first()
    if resolution is not None:
        pauses = [list(p) for p in resolution.pauses]
        if status == "waiting_customer" and not (pauses and pauses[-1][1] is None):
            pauses.append([at.isoformat(), None, "waiting on customer"])
        elif old == "waiting_customer" and pauses and pauses[-1][1] is None:
            pauses[-1][1] = at.isoformat()
        elif old in ("resolved", "closed") and status in OPEN_STATUSES and resolution.stopped_at is not None \
                and resolution.stopped_at < at:
            # Reopened: the clock resumes with the business time it had left; the time the
            # request stood resolved is a pause, as a wait on the customer is (DESIGN.md).
            pauses.append([resolution.stopped_at.isoformat(), at.isoformat(), "resolved until reopened"])
        resolution.pauses = pauses
        if status in ("resolved", "closed") and resolution.stopped_at is None:
            resolution.stopped_at = at
        elif status in OPEN_STATUSES:
            resolution.stopped_at = None
        resolution.save()
    ticket.status = status
    _bump(ticket, ["status"])
    extra = {"resume": resume} if resume and status == "waiting_customer" else {}
    events.record(ticket, "status", actor=actor, old=old, new=status, at=at.isoformat(), **extra)
    recompute_clocks(ticket)
    signals.status_changed.send(Ticket, ticket=ticket, old=old, new=status)
    return ticket


@transaction.atomic
def set_priority(ticket: Ticket, *, actor=None, priority: str | None = None, impact: str = "", urgency: str = "", reason: str = "", expected_version: int | None = None) -> Ticket:
    """Set a new priority (explicitly or from impact × urgency); the clocks move with it."""
    ticket = _lock(ticket, expected_version)
    if ticket.agreement is None:
        raise TicketError(_("a ticket without an agreement has no priority scheme"))
    if not (priority or impact or urgency):
        raise TicketError(_("give a priority, or impact and urgency"))
    decision = _decide_priority(ticket.agreement, ticket.kind, impact, urgency, priority)
    old, was_provisional = ticket.priority, ticket.priority_provisional
    ticket.priority, ticket.impact, ticket.urgency = decision.level, impact or ticket.impact, urgency or ticket.urgency
    ticket.priority_reason = reason or decision.reason
    ticket.priority_rank = _rank(ticket.agreement, decision.level)
    ticket.priority_provisional = False  # assessed: the clocks are computed again from receipt
    _bump(ticket, ["priority", "priority_rank", "impact", "urgency", "priority_reason", "priority_provisional"])
    events.record(ticket, "priority", actor=actor, old=old, new=decision.level, reason=ticket.priority_reason,
                  **({"assessed": True} if was_provisional else {}))
    recompute_clocks(ticket)
    return ticket


@transaction.atomic
def add_message(ticket: Ticket, body: str, *, author=None, public: bool = True, from_customer: bool = False,
                channel: str = "portal", at: datetime | None = None, contact=None) -> Message:
    """Add to the thread. The first public reply from the vendor stops the response clock;
    a customer's answer to a request for information resumes the resolution clock.

    ``contact``: the customer contact who wrote it when known by other means than a login
    (their mail address); listeners get it to judge what the customer may do by mail."""
    if not body.strip():
        raise TicketError(_("the message is empty"))
    ticket = _lock(ticket, None)
    at = at or timezone.now()
    message = Message.objects.create(ticket=ticket, author=author, body=body, public=public, from_customer=from_customer, channel=channel)
    events.record(ticket, "reply" if public else "note", actor=author, message=message.pk, from_customer=from_customer)
    search_index.refresh([ticket.pk])
    signals.message_added.send(Ticket, ticket=ticket, message=message, contact=contact)
    if public and not from_customer:
        response = Clock.objects.filter(ticket=ticket, metric="response", stopped_at__isnull=True).first()
        if response is not None:
            response.stopped_at = at
            response.save(update_fields=["stopped_at"])
            events.record(ticket, "clock", actor=author, metric="response", stopped=at.isoformat())
        recompute_clocks(ticket)
    elif from_customer and ticket.status == "waiting_customer":
        change_status(ticket, _resume_status(ticket), actor=author, at=at)
    return message


def _resume_status(ticket: Ticket) -> str:
    """Where an answer takes a waiting ticket: what the wait asked for, else in progress."""
    last = ticket.events.filter(kind="status", data__new="waiting_customer").order_by("-at", "-id").first()
    resume = (last.data or {}).get("resume") if last else None
    return resume if resume in STATUSES else "in_progress"


@transaction.atomic
def plan_resolution(ticket: Ticket, planned_at: datetime | None, *, actor=None,
                    expected_version: int | None = None) -> Ticket:
    """For 'by planning' targets (ERP.M C and D resolution, seed 004): the date the agent
    agreed becomes the resolution clock's due moment, so the clock runs to it, the queues
    sort on it and the customer sees it. None clears the date (no automatic due again)."""
    if planned_at is not None and timezone.is_naive(planned_at):
        raise TicketError(_("planned_at needs a time zone"))
    ticket = _lock(ticket, expected_version)
    if planned_at is not None:
        if not Clock.objects.filter(ticket=ticket, metric="resolution", target="planning").exists():
            raise TicketError(_("this request's resolution target is not 'by planning'; there is no date to plan"))
        if planned_at <= ticket.received_at:
            raise TicketError(_("the planned date must be after the request was received"))
    old = ticket.planned_at
    if old == planned_at:
        return ticket
    ticket.planned_at = planned_at
    _bump(ticket, ["planned_at"])
    events.record(ticket, "planned", actor=actor, planned=planned_at.isoformat() if planned_at else None,
                  old=old.isoformat() if old else None)
    recompute_clocks(ticket)
    return ticket


@transaction.atomic
def request_information(ticket: Ticket, body: str, *, actor=None, at: datetime | None = None,
                        resume: str | None = None) -> Message:
    """Ask the customer for what is missing: the ticket waits on them (the resolution clock
    pauses) and the question goes out as one request-for-information mail. ``resume``: the
    status their answer returns the ticket to (see :func:`change_status`)."""
    ticket = change_status(ticket, "waiting_customer", actor=actor, at=at, resume=resume)
    return add_message(ticket, body, author=actor, public=True, at=at)


@transaction.atomic
def change_kind(ticket: Ticket, kind: str, *, actor=None, reason: str = "", expected_version: int | None = None) -> Ticket:
    """Turn a request into another kind (seed 002: not covered → advisory-services request).

    Nothing is lost: the thread and events stay, the old kind is in the event log, and the
    clocks are recomputed for the new kind (with a fixed priority when the catalog has one)."""
    if kind not in KINDS:
        raise TicketError(_("kind must be one of %(kinds)s") % {"kinds": ", ".join(sorted(KINDS))})
    ticket = _lock(ticket, expected_version)
    if ticket.agreement_id is not None and kind not in ticket.agreement.catalog.parsed().kinds:
        raise TicketError(_("catalog %(catalog)s does not take %(kind)s requests") % {"catalog": ticket.agreement.catalog.vendor, "kind": kind})
    old = ticket.kind
    if old == kind:
        return ticket
    ticket.kind = kind
    fields = ["kind"]
    if ticket.agreement_id is not None:
        fixed = ticket.agreement.catalog.parsed().priority.fixed.get(kind)
        if fixed and fixed != ticket.priority:
            ticket.priority, ticket.priority_reason = fixed, reason_text("fixed", kind=kind, level=fixed)
            ticket.priority_rank, ticket.priority_provisional = _rank(ticket.agreement, fixed), False
            fields += ["priority", "priority_reason", "priority_rank", "priority_provisional"]
    _bump(ticket, fields)
    events.record(ticket, "kind", actor=actor, old=old, new=kind, reason=reason, priority=ticket.priority)
    recompute_clocks(ticket)
    return ticket


@transaction.atomic
def set_triage_state(ticket: Ticket, state: str, *, actor=None, reason: str = "") -> Ticket:
    """Record where seed 002's triage stands (the customer reads it as category and status)."""
    ticket = _lock(ticket, None)
    old = ticket.triage_state
    if old == state:
        return ticket
    ticket.triage_state = state
    _bump(ticket, ["triage_state"])
    events.record(ticket, "triage", actor=actor, old=old, new=state, reason=reason)
    return ticket


@transaction.atomic
def assign_ticket(ticket: Ticket, assignee, *, actor=None, expected_version: int | None = None) -> Ticket:
    """Hand the ticket to ``assignee`` (a staff user, or None to unassign)."""
    if assignee is not None and not assignee.is_staff:
        raise TicketError(_("only vendor staff can be assigned"))
    ticket = _lock(ticket, expected_version)
    old = ticket.assignee_id
    new = assignee.pk if assignee is not None else None
    if old == new:
        return ticket
    ticket.assignee = assignee
    _bump(ticket, ["assignee"])
    events.record(ticket, "assigned", actor=actor, old=old, new=new)
    signals.ticket_assigned.send(Ticket, ticket=ticket, old=old, new=new, actor=actor)
    return ticket
