"""Request and response shapes of the billing API: time entries, invoices, budgets.

Money goes out as a string with a dot and two decimals (``"2225.00"``), never a float;
a rate comes in as a number or a string with at most two decimals.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime

from meldpunt.api.schemas import CLOCK_SKEW, EARLIEST_RECEIPT, DbId, Moment, Ref, Text
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.core.billing import BillingError, Month

Amount = Annotated[str, Field(description="Decimal amount with two decimals, e.g. '2225.00'")]


def _plausible_start(value: datetime) -> datetime:
    """A session started after 2000 and not in the future (a little clock skew allowed)."""
    if value < EARLIEST_RECEIPT:
        raise ValueError(_("must be after 2000-01-01"))
    if value > timezone.now() + CLOCK_SKEW:
        raise ValueError(_("must not lie in the future"))
    return value


def _month(value: str) -> str:
    try:
        month = Month.parse(value)
    except BillingError as exc:  # worded in the caller's language (the 422's msg)
        raise ValueError(billing_error_words(exc)) from None
    return str(month)


# ------------------------------------------------------------------ time
class TimeEntryIn(Schema):
    minutes: int = Field(..., ge=1, le=24 * 60, description="minutes worked in this session")
    started_at: Annotated[AwareDatetime, AfterValidator(_plausible_start)] | None = Field(None, description="empty: now")
    billable: bool | None = Field(None, description="empty: billable unless the agreement's package covers the request's kind")
    rate: Decimal | None = Field(None, ge=0, lt=100000, decimal_places=2,
                                 description="hourly rate; empty: the catalog's rate (the presets publish none)")
    note: Text(500) = ""
    allow_overrun: bool = Field(False, description="book past an approved budget (agreement or proposal) explicitly")
    override_reason: Text(500) = Field("", description="a support manager books on an advisory request without an approved proposal")


class TimeEntryOut(Schema):
    id: int
    ticket: int
    agent: str | None
    started_at: Moment
    minutes: int
    billable: bool
    billed_minutes: int = Field(description="rounded up to whole units of the catalog (Invantive: 30)")
    rate: Amount | None
    amount: Amount
    explanation: str
    note: str = Field(description="the agent's note; empty for customers")
    invoice: str | None = Field(description="number of the invoice that billed it, if any")
    created_at: Moment


class BudgetOut(Schema):
    approved: Amount
    booked: Amount = Field(description="billable time not withdrawn by a credit note")
    invoiced: Amount = Field(description="time lines minus their credits")
    remaining: Amount
    currency: str
    used_percent: int
    warn_percent: int
    warning: bool = Field(description="used_percent is at or above warn_percent")
    exceeded: bool


class BookingOut(Schema):
    entry: TimeEntryOut
    created: bool = Field(description="false: an earlier booking with the same Idempotency-Key")
    warnings: list[str] = Field(description="budget warnings (also written to the ticket's history)")
    budget: BudgetOut | None = Field(description="the budget after this booking (agreement, else proposal)")


class AgreementBudgetOut(BudgetOut):
    agreement: Ref = Field(description="id and code of the agreement")


class ProposalBudgetOut(BudgetOut):
    proposal: int
    ticket: int
    subject: str
    organisation: Ref
    agreement: str | None = Field(description="agreement code")


class BudgetsOut(Schema):
    agreements: list[AgreementBudgetOut]
    proposals: list[ProposalBudgetOut]


# ------------------------------------------------------------------ invoices
class InvoiceOut(Schema):
    id: int
    number: str
    kind: Literal["invoice", "credit_note"]
    type_code: Literal["380", "381"] = Field(description="UBL InvoiceTypeCode 380 / CreditNoteTypeCode 381")
    vendor: str
    organisation: Ref
    period: str = Field(description="the month billed, e.g. 2026-10")
    issued_on: date
    due_on: date
    currency: str
    language: str
    vat_rate: str
    net: Amount
    vat: Amount
    total: Amount
    status: str
    credits: str | None = Field(description="number of the invoice a credit note credits")
    reason: str


class InvoiceLineOut(Schema):
    position: int
    description: str
    source: str = Field(description="where the line comes from (agreement, month, tickets, time entries)")
    source_type: str
    quantity: str
    unit_price: Amount
    amount: Amount
    agreement: str | None
    ticket: int | None
    item: str
    credits_line: int | None = Field(description="position of the credited line on the credited invoice")


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]
    credit_notes: list[str] = Field(description="numbers of the credit notes that credit this invoice")


class InvoicePageOut(Schema):
    items: list[InvoiceOut]
    next_before: int | None = Field(description="pass as ?before= for the next page; null on the last page")


class InvoiceFilters(Schema):
    month: Annotated[Text(7), AfterValidator(_month)] | None = Field(None, description="the month billed, e.g. 2026-10")
    kind: Literal["invoice", "credit_note"] | None = None
    organisation: DbId | None = Field(None, description="organisation id (useful for staff)")
    before: DbId | None = Field(None, description="only invoices with a lower id (keyset paging)")
    limit: int = Field(50, ge=1, le=200)
