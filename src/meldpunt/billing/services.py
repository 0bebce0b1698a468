"""Writes on billing: book time, run a month, credit an invoice (HackSoft services).

Each is one business action inside a transaction. The rules themselves (rounding, the
consultant threshold, pro rata, VAT) live in :mod:`meldpunt.core.billing`; the numbers
come from the catalog version the agreement was signed under.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt.billing.line_words import line_words
from meldpunt.billing.models import (
    Budget,
    Invoice,
    InvoiceCounter,
    InvoicedTime,
    InvoiceLine,
    TimeEntry,
    VendorProfile,
)
from meldpunt.billing.selectors import budget_state, proposal_budget_state
from meldpunt.contracts.catalog_words import profile_gaps_words
from meldpunt.contracts.models import Agreement
from meldpunt.core.billing import (
    BillingError,
    BudgetState,
    FeeItem,
    LineDraft,
    Month,
    Session,
    SessionRules,
    bill_session,
    fee_lines,
    money,
    parse_amount,
    time_line,
    totals,
)
from meldpunt.localformat import number
from meldpunt.tickets import events
from meldpunt.tickets.models import Ticket
from meldpunt.triage.selectors import proposal_block

logger = logging.getLogger(__name__)


class BudgetExceeded(BillingError):
    """Seed 002: no silent overrun — booking past the approved budget needs an explicit yes."""


# ------------------------------------------------------------------ time
@dataclass
class Booking:
    entry: TimeEntry
    budget: BudgetState | None = None
    warnings: list[str] = field(default_factory=list)
    created: bool = True  # False: an earlier booking with the same idempotency key


def session_rules(ticket: Ticket) -> SessionRules:
    if ticket.agreement_id is None:
        return SessionRules()
    return SessionRules.from_catalog(ticket.agreement.catalog.parsed().billing)


def covered_by_contract(ticket: Ticket) -> bool:
    """A request kind the package covers is worked under the contract (seed 002)."""
    if ticket.agreement_id is None:
        return False
    catalog = ticket.agreement.catalog.parsed()
    return ticket.kind in catalog.package(ticket.agreement.package).covers


def book_time(
    *,
    ticket: Ticket,
    agent,
    minutes: int,
    started_at: datetime | None = None,
    billable: bool | None = None,
    rate: Decimal | str | None = None,
    note: str = "",
    allow_overrun: bool = False,
    override_reason: str = "",
    idempotency_key: str | None = None,
) -> Booking:
    """Log a session on a ticket. Billable sessions are rounded and priced by the catalog.

    ``billable`` defaults to "not covered by the agreement's package". A billable session
    at or above the catalog's consultant threshold is refused (seed 001); one that would
    take the agreement past its approved budget is refused unless ``allow_overrun``.
    The same ``idempotency_key`` on the same ticket returns the first booking (``created``
    False) instead of a second one, also when two arrive at once (unique in the database).
    """
    if idempotency_key:
        existing = TimeEntry.objects.filter(ticket=ticket, idempotency_key=idempotency_key).first()
        if existing is not None:
            return Booking(existing, created=False)
    try:
        return _book(ticket=ticket, agent=agent, minutes=minutes, started_at=started_at, billable=billable, rate=rate,
                     note=note, allow_overrun=allow_overrun, override_reason=override_reason,
                     idempotency_key=idempotency_key or None)
    except IntegrityError:
        # a concurrent twin with the same key won the race: hand back its booking
        twin = TimeEntry.objects.filter(ticket=ticket, idempotency_key=idempotency_key).first() if idempotency_key else None
        if twin is None:
            raise
        return Booking(twin, created=False)


@transaction.atomic
def _book(*, ticket: Ticket, agent, minutes: int, started_at: datetime | None, billable: bool | None,
          rate: Decimal | str | None, note: str, allow_overrun: bool, override_reason: str,
          idempotency_key: str | None) -> Booking:
    if not isinstance(minutes, int) or minutes <= 0:
        raise BillingError(_("minutes: a session lasts at least one whole minute"))
    if ticket.organisation_id is None:
        raise BillingError(_("this request has no organisation yet; place it before booking time"))
    billable = (not covered_by_contract(ticket)) if billable is None else billable
    if billable:
        _check_proposal(ticket, agent, override_reason)
    entry = TimeEntry(ticket=ticket, agent=agent, started_at=started_at or timezone.now(), minutes=minutes,
                      billable=billable, note=note[:500], idempotency_key=idempotency_key)
    booking = Booking(entry)
    if billable:
        rules = session_rules(ticket)
        price = parse_amount(rate, "rate") if rate not in (None, "") else rules.hourly_rate
        if price <= 0:
            raise BillingError(_("rate: the catalog sets no hourly rate for billable time; give the rate"))
        session = bill_session(minutes, price, rules, kind=ticket.kind)
        entry.billed_minutes, entry.rate, entry.amount = session.billed_minutes, price, session.amount
        entry.unit_minutes = session.unit_minutes
        booking.budget, booking.warnings = _check_budget(ticket, session.amount, allow_overrun)
    entry.save()
    events.record(ticket, "time", actor=agent, entry=entry.pk, minutes=minutes, billable=billable,
                  billed_minutes=entry.billed_minutes, amount=str(entry.amount))
    for warning in booking.warnings:
        events.record(ticket, "budget_warning", actor=agent, warning=warning)
    return booking


class ProposalNotApproved(BillingError):
    """Seed 002: no billable work on an advisory request before the customer approved its proposal."""


def _check_proposal(ticket: Ticket, agent, override_reason: str) -> None:
    """Refuse billable time on an advisory request without an approved proposal; a manager
    with ``triage.override_proposal`` may book it anyway, with a reason in the event log."""
    block = proposal_block(ticket)
    if block is None:
        return
    if not override_reason.strip():
        raise ProposalNotApproved(block)
    if agent is None or not agent.has_perm("triage.override_proposal"):
        raise ProposalNotApproved(_("%(block)s; only a support manager may override this") % {"block": block})
    events.record(ticket, "proposal_override", actor=agent, reason=override_reason.strip()[:500], block=block)


def _check_budget(ticket: Ticket, amount: Decimal, allow_overrun: bool) -> tuple[BudgetState | None, list[str]]:
    """Seed 002, no silent overrun: the agreement's budget and the approved proposal's amount.
    Each warns from its warning level and refuses an overrun unless ``allow_overrun``."""
    state, warnings = None, []
    if ticket.agreement_id is not None and Budget.objects.select_for_update().filter(agreement_id=ticket.agreement_id).first():
        agreement = Agreement.objects.get(pk=ticket.agreement_id)
        state = budget_state(agreement).after(amount)
        warnings += _judge(state, _("budget of agreement %(code)s") % {"code": agreement.code}, amount, allow_overrun)
    proposal = proposal_budget_state(ticket)
    if proposal is not None:
        warnings += _judge(proposal.after(amount), _("approved proposal of request #%(number)s") % {"number": ticket.pk},
                           amount, allow_overrun)
        state = state or proposal.after(amount)
    return state, warnings


def _judge(after: BudgetState, what: str, amount: Decimal, allow_overrun: bool) -> list[str]:
    """Warnings in the active language, amounts in its notation (``localformat.number``)."""
    values = {"what": what, "booked": number(after.booked), "approved": number(after.approved), "amount": number(amount),
              "percent": after.used_percent, "remaining": number(after.remaining)}
    if after.exceeded:
        if not allow_overrun:
            raise BudgetExceeded(_("%(what)s exceeded: %(booked)s booked of %(approved)s approved (this session "
                                   "%(amount)s); ask the coordinator to approve more first") % values)
        return [_("%(what)s exceeded: %(booked)s booked of %(approved)s approved (this session %(amount)s); booked "
                  "with explicit approval") % values]
    if after.warning:
        return [_("%(what)s: %(percent)s%% used, %(remaining)s left of %(approved)s") % values]
    return []


# ----------------------------------------------------------- invoice run
@dataclass
class RunResult:
    month: str
    invoices: list[str] = field(default_factory=list)
    lines: int = 0
    skipped: int = 0
    net: dict[str, Decimal] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"month": self.month, "invoices": self.invoices, "lines": self.lines, "skipped": self.skipped,
                "net": {c: str(v) for c, v in self.net.items()}}


def _month_end(month: Month) -> datetime:
    return timezone.make_aware(datetime.combine(month.next().first, time()), timezone.get_default_timezone())


def _active_agreements(month: Month):
    return (
        Agreement.objects.filter(starts_on__lte=month.last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=month.first))
        .select_related("catalog", "organisation").prefetch_related("addons").order_by("code")
    )


def unbilled_time(month: Month):
    return TimeEntry.objects.filter(
        billable=True, invoiced__isnull=True, started_at__lt=_month_end(month),
        ticket__agreement__isnull=False, ticket__organisation__isnull=False,
    )


def run_groups(month: Month) -> dict[tuple, dict]:
    """What a run of ``month`` bills, per (organisation id, vendor, currency): the agreements
    whose fees are due and the tickets with billable time not invoiced yet. The run and its
    preview (:mod:`meldpunt.billing.run_preview`) both start from here."""
    groups: dict[tuple, dict] = defaultdict(lambda: {"agreements": [], "tickets": set()})
    for agreement in _active_agreements(month):
        key = (agreement.organisation_id, agreement.catalog.vendor, agreement.catalog.parsed().currency)
        groups[key]["agreements"].append(agreement.pk)
    for ticket in Ticket.objects.filter(pk__in=unbilled_time(month).values("ticket")).select_related("agreement__catalog"):
        catalog = ticket.agreement.catalog
        groups[(ticket.organisation_id, catalog.vendor, catalog.parsed().currency)]["tickets"].add(ticket.pk)
    return dict(sorted(groups.items(), key=lambda kv: kv[0][:2]))


def check_month(month: Month, today: date, force: str) -> None:
    """A month that has not ended is billed only when forced with a reason (logged)."""
    if today <= month.last:
        if not force.strip():
            raise BillingError(_("month %(month)s has not ended yet (its last day is %(last)s); give a reason to bill it early")
                               % {"month": month, "last": month.last.isoformat()})
        logger.warning("invoice run for month %s before it ended", month, extra={"reason": force.strip(), "today": today.isoformat()})


def missing_profile(vendor: str) -> list[str]:
    """What the vendor's invoice profile lacks of what an invoice must show (name, address,
    VAT number, Chamber of Commerce number, IBAN), as field names for people; [] when complete."""
    return [str(name) for name in _missing_fields(vendor)]


def _missing_fields(vendor: str) -> list:
    """:func:`missing_profile` as the fields' lazy names (worded when shown)."""
    profile = VendorProfile.objects.filter(vendor=vendor).first()
    fields = ("name", "address", "vat_number", "chamber_of_commerce", "iban")
    return [VendorProfile._meta.get_field(name).verbose_name for name in fields
            if profile is None or not str(getattr(profile, name)).strip()]


class ProfileIncomplete(BillingError):
    """A vendor to bill lacks what an invoice must show; nothing is issued. ``str()`` is
    English; code ``profile_incomplete`` with ``gaps`` (vendor: the missing fields' lazy
    names), worded in the reader's language by ``contracts.catalog_words.billing_error_words``."""


def check_profiles(month: Month, groups: dict | None = None) -> None:
    """The one rule of every face that issues a month (the web's run, ``meldpunt
    invoice-run``): refuse with what is missing, per vendor, when a vendor that would bill
    something has an incomplete invoice profile (:func:`missing_profile`)."""
    groups = run_groups(month) if groups is None else groups
    billing = {key[1] for key, group in groups.items() if _bills_something(month, group)}
    gaps = {vendor: _missing_fields(vendor) for vendor in sorted(billing)}
    gaps = {vendor: missing for vendor, missing in gaps.items() if missing}
    if gaps:
        with translation.override("en"):
            english = "the invoice profile is incomplete: " + profile_gaps_words(gaps)
        raise ProfileIncomplete(english, "profile_incomplete", gaps=gaps)


def _bills_something(month: Month, group: dict) -> bool:
    """Whether a group would get an invoice: billable time, or a fee line not billed yet
    (a package without a price makes no line, so its vendor needs no invoice profile)."""
    if group["tickets"]:
        return True
    agreements = Agreement.objects.filter(pk__in=group["agreements"]).select_related("catalog").prefetch_related("addons")
    return any(fee_drafts(agreement, month) for agreement in agreements)


def run_month(*, month: Month | str, today: date | None = None, force: str = "", require_profile: bool = False,
              on_progress: Callable[[int, int, RunResult], None] | None = None) -> RunResult:
    """Bill one month: fees of running agreements and billable time not yet invoiced.

    One invoice per organisation, vendor and currency, each in its own transaction so a
    long run holds no lock for long. Running a month twice bills nothing new: unique
    constraints refuse a second fee line or a second invoicing of a time entry, so even
    two runs at once cannot bill twice (the loser's transaction rolls back, number too).

    ``require_profile``: refuse (before issuing anything) when a vendor to bill has an
    incomplete invoice profile (:func:`check_profiles`); the web's run and the command ask for it.
    """
    month = Month.parse(month) if isinstance(month, str) else month
    today = today or timezone.localdate()
    check_month(month, today, force)
    groups = run_groups(month)
    if require_profile:
        check_profiles(month, groups)
    result = RunResult(str(month))
    for done, (key, group) in enumerate(groups.items(), start=1):
        try:
            invoice, lines = _bill_group(month, today, key, group["agreements"], sorted(group["tickets"]))
        except IntegrityError:  # a concurrent run billed this group first
            invoice, lines = None, 0
            result.skipped += 1
        if invoice is not None:
            result.invoices.append(invoice.number)
            result.lines += lines
            result.net[invoice.currency] = result.net.get(invoice.currency, Decimal("0.00")) + invoice.net
        if on_progress:
            on_progress(done, len(groups), result)
    return result


def fee_drafts(agreement: Agreement, month: Month) -> list[tuple[LineDraft, int]]:
    """Fee lines still to bill for this agreement and month, each with its revision."""
    catalog = agreement.catalog.parsed()
    package = catalog.package(agreement.package)
    items = [FeeItem("package", package.id, package.name, package.monthly_price)]
    for row in sorted(agreement.addons.all(), key=lambda a: list(catalog.addons).index(a.addon) if a.addon in catalog.addons else 99):
        addon = catalog.addons.get(row.addon)
        if addon is None:
            continue
        quantity = row.quantity if addon.unit != "month" else 1
        items.append(FeeItem("addon", addon.id, addon.name, addon.monthly_price, quantity, addon.unit, tuple(row.names)))
    billed = {
        row["item"]: row for row in InvoiceLine.objects.filter(
            agreement=agreement, period=month.first, source_type__in=["package", "addon"]
        ).values("item").annotate(n=Count("id"), credited=Count("credited_by"))
    }
    drafts = []
    for draft in fee_lines(items, month=month, code=agreement.code, starts_on=agreement.starts_on,
                           ends_on=agreement.ends_on, currency=catalog.currency):
        seen = billed.get(draft.item, {"n": 0, "credited": 0})
        if seen["n"] > seen["credited"]:
            continue  # billed and not credited: nothing new
        drafts.append((draft, seen["n"]))
    return drafts


@transaction.atomic
def _bill_group(
    month: Month, today: date, key: tuple, agreement_ids: list[int], ticket_ids: list[int]
) -> tuple[Invoice | None, int]:
    """One customer's invoice for the month, or None when there is nothing new to bill.

    Its lines are worded here, once, in the organisation's language (kept as
    ``Invoice.language``), and stored with the invoice, not worded again when read: an issued
    invoice is a legal document that never changes (credit notes correct it), so its PDF,
    its UBL and every reprint must read exactly as it was sent, whatever later catalogs or
    translations say. The customer reads it, so the agent's language plays no part.
    """
    organisation_id, vendor, currency = key
    agreements = list(Agreement.objects.filter(pk__in=agreement_ids).select_related("catalog", "organisation")
                      .prefetch_related("addons").order_by("code"))
    tickets = {t.pk: t for t in Ticket.objects.filter(pk__in=ticket_ids).select_related("organisation", "agreement__catalog")}
    organisation = agreements[0].organisation if agreements else next(iter(tickets.values())).organisation
    language = organisation.language
    rows: list[dict] = []
    for agreement in agreements:
        for draft, revision in fee_drafts(agreement, month):
            rows.append({"draft": draft, "agreement": agreement, "revision": revision})
    entries = unbilled_time(month).filter(ticket_id__in=ticket_ids).select_for_update(of=("self",)).order_by("ticket_id", "id")
    by_ticket_rate: dict[tuple, list[TimeEntry]] = defaultdict(list)
    for entry in entries:
        by_ticket_rate[(entry.ticket_id, entry.rate)].append(entry)
    for (ticket_id, _rate), group in by_ticket_rate.items():
        ticket = tickets[ticket_id]
        sessions = [Session(e.pk, e.minutes, e.billed_minutes, e.rate, e.amount) for e in group]
        draft = time_line(ticket.number, ticket.subject, sessions)
        rows.append({"draft": draft, "agreement": ticket.agreement, "ticket": ticket, "entries": group})
    if not rows:
        return None, 0
    vat_rate = (agreements[0] if agreements else rows[-1]["agreement"]).catalog.parsed().vat_rate
    invoice = _issue(vendor=vendor, kind="invoice", organisation=organisation, month=month, today=today,
                     currency=currency, language=language, vat_rate=vat_rate, amounts=[r["draft"].amount for r in rows])
    for position, row in enumerate(rows, start=1):
        draft: LineDraft = row["draft"]
        description, source = line_words(draft, language)
        line = InvoiceLine.objects.create(
            invoice=invoice, position=position, description=description, quantity=draft.quantity,
            unit_price=draft.unit_price, amount=draft.amount, source_type=draft.source_type, source=source[:500],
            agreement=row["agreement"], item=draft.item, period=month.first, revision=row.get("revision", 0),
            ticket=row.get("ticket"),
        )
        InvoicedTime.objects.bulk_create([InvoicedTime(entry=e, line=line) for e in row.get("entries", ())])
    return invoice, len(rows)


def _issue(*, vendor: str, kind: str, organisation, month: Month, today: date, currency: str, language: str,
           vat_rate: Decimal, amounts: list[Decimal], credits: Invoice | None = None, reason: str = "") -> Invoice:
    """Create an invoice with the next number of ``vendor``'s year; the counter row is locked."""
    InvoiceCounter.objects.get_or_create(vendor=vendor, year=today.year)
    counter = InvoiceCounter.objects.select_for_update().get(vendor=vendor, year=today.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    sums = totals(amounts, vat_rate)
    return Invoice.objects.create(
        vendor=vendor, year=today.year, sequence=counter.last, number=f"{vendor.upper()}-{today.year}-{counter.last:05d}",
        kind=kind, organisation=organisation, period=month.first, issued_on=today, currency=currency,
        language=language, vat_rate=vat_rate, net=sums.net, vat=sums.vat, total=sums.gross,
        credits=credits, reason=reason[:300],
    )


# ---------------------------------------------------------- credit notes
@transaction.atomic
def credit_invoice(*, invoice: Invoice, reason: str, line_ids: list[int] | None = None, today: date | None = None) -> Invoice:
    """A credit note for some or all lines of an invoice; the invoice itself never changes.

    Each line can be credited once (one-to-one in the database). A credited fee may be
    billed again by the next run of its month; credited time counts as withdrawn.
    """
    if not reason.strip():
        raise BillingError(_("reason: say why the invoice is credited"))
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != "invoice":
        raise BillingError(_("%(number)s is a credit note; credit the invoice itself") % {"number": invoice.number})
    lines = invoice.lines.filter(credited_by__isnull=True).order_by("position")
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    lines = list(lines)
    if not lines:
        raise BillingError(_("%(number)s: nothing left to credit") % {"number": invoice.number})
    month = Month.of(invoice.period)
    note = _issue(vendor=invoice.vendor, kind="credit_note", organisation=invoice.organisation, month=month,
                  today=today or timezone.localdate(), currency=invoice.currency, language=invoice.language,
                  vat_rate=invoice.vat_rate, amounts=[-line.amount for line in lines], credits=invoice, reason=reason)
    for position, line in enumerate(lines, start=1):
        with translation.override(invoice.language):  # the customer's, as the invoice it credits
            source = _("Credits %(number)s #%(line)s: %(reason)s") % {
                "number": invoice.number, "line": line.position, "reason": reason}
        InvoiceLine.objects.create(
            invoice=note, position=position, description=line.description, quantity=-line.quantity,
            unit_price=line.unit_price, amount=money(-line.amount), source_type="credit",
            source=source[:500], agreement=line.agreement,
            item=line.item, period=line.period, ticket=line.ticket, credited_line=line,
        )
    return note


def set_status(*, invoice: Invoice, status: str) -> Invoice:
    """Sent and paid are the only changes an issued invoice takes."""
    if status not in {"issued", "sent", "paid"}:
        raise BillingError(_("status must be issued, sent or paid"))
    invoice.status = status
    invoice.save(update_fields=["status"])
    return invoice
