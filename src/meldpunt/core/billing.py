"""The rules of billing as plain Python: sessions, rounding, pro rata, invoice lines, VAT.

SPEC.md §5. Nothing here knows Django or a vendor: the numbers come from the catalog's
``[billing]`` table and its prices, and every function returns plain values that the
billing app stores. Money is :class:`~decimal.Decimal` rounded explicitly to cents with
ROUND_HALF_UP (the rounding a person does on paper), never a float.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from meldpunt.core.reporting import YEARS

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class BillingError(ValueError):
    """A booking or a billing input that cannot be accepted, said for the person who gave it.

    The core's own refusals carry a ``code`` and ``params`` besides the English, so the app
    words them in the reader's language (``contracts.catalog_words.billing_error_words``); an app's
    refusal is already worded (``code`` None). Codes: ``money`` (value), ``number``,
    ``negative``, ``decimals`` (what, text), ``unit_minutes``, ``no_minutes``, ``month``
    (text), ``month_year`` (text, first, last), ``no_entries``, ``one_rate``, ``consultant``
    (minutes, threshold: whole minutes)."""

    def __init__(self, message: str, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params


class ConsultantRequestRequired(BillingError):
    """Seed 001: sessions of 4 hours or more go to sales as a consultant request."""


# ------------------------------------------------------------------ money
def money(value: Decimal | int | str) -> Decimal:
    """``value`` rounded half up to whole cents (2.005 → 2.01)."""
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise BillingError(f"{value!r} is not an amount of money", "money", value=value) from None


def parse_amount(text: str | Decimal | int, what: str = "amount") -> Decimal:
    """A non-negative amount from a catalog or a form, refused when it has sub-cent digits."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise BillingError(f"{what}: {text!r} is not a number", "number", what=what, text=text) from None
    if not value.is_finite() or value < 0:
        raise BillingError(f"{what}: {text!r} must be zero or more", "negative", what=what, text=text)
    if value != value.quantize(CENT):
        raise BillingError(f"{what}: {text!r} has more than two decimals", "decimals", what=what, text=text)
    return value


def vat(net: Decimal, rate_percent: Decimal) -> Decimal:
    """VAT on an invoice's net total, rounded once on the total (not per line)."""
    return money(net * rate_percent / HUNDRED)


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat_rate: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def totals(amounts: Iterable[Decimal], vat_rate: Decimal) -> Totals:
    net = sum((money(a) for a in amounts), Decimal("0.00"))
    return Totals(net=net, vat_rate=vat_rate, vat=vat(net, vat_rate))


# ------------------------------------------------------------ sessions
@dataclass(frozen=True)
class SessionRules:
    """How a vendor bills work outside the contract (catalog ``[billing]``).

    ``unit_minutes``: a session is billed in whole units, rounded up (Invantive: 30).
    ``consultant_threshold_minutes``: a session this long or longer is refused; it must
    become a consultant request (Invantive: 240). ``hourly_rate``: the default rate.
    """

    unit_minutes: int = 1
    consultant_threshold_minutes: int | None = None
    hourly_rate: Decimal = Decimal("0.00")
    consultant_kind: str = "consultant"

    @classmethod
    def from_catalog(cls, billing: Mapping[str, Any]) -> SessionRules:
        unit = int(billing.get("session_unit_minutes", 1) or 1)
        threshold = billing.get("consultant_threshold_minutes")
        if unit < 1:
            raise BillingError("billing.session_unit_minutes must be 1 or more", "unit_minutes")
        return cls(
            unit_minutes=unit,
            consultant_threshold_minutes=int(threshold) if threshold else None,
            hourly_rate=parse_amount(billing.get("hourly_rate", "0.00"), "billing.hourly_rate"),
            consultant_kind=str(billing.get("consultant_kind", "consultant")),
        )


def round_up_minutes(minutes: int, unit: int) -> int:
    """Whole units of ``unit`` minutes, rounded up: 1 → 30, 30 → 30, 31 → 60 (seed 001)."""
    if minutes <= 0:
        raise BillingError("a session lasts at least one minute", "no_minutes")
    return -(-minutes // unit) * unit


@dataclass(frozen=True)
class BilledSession:
    """The facts of one priced session; the billing app words them in the reader's language
    (``billing.wording.session_words``), so nothing here is English."""

    minutes: int
    billed_minutes: int
    rate: Decimal
    amount: Decimal
    unit_minutes: int = 1  # the catalog's unit the minutes were rounded up to (1: none)


def bill_session(minutes: int, rate: Decimal, rules: SessionRules, *, kind: str = "") -> BilledSession:
    """Price one billable session under ``rules``; refuse one that needs a consultant request.

    Seed 001: "Actual duration of the session is rounded up to 30 minutes and billed. For
    sessions of 4 hours or more, please contact our sales team … or register a request for
    a consultant". Work on the consultant request itself is not refused.
    """
    threshold = rules.consultant_threshold_minutes
    if threshold and minutes >= threshold and kind != rules.consultant_kind:
        raise ConsultantRequestRequired(
            f"a session of {format_minutes(minutes)} is {format_minutes(threshold)} or more: "
            f"register it as a consultant request (sales), not as a support session",
            "consultant", minutes=minutes, threshold=threshold,
        )
    billed = round_up_minutes(minutes, rules.unit_minutes)
    amount = money(Decimal(billed) * rate / 60)
    return BilledSession(minutes, billed, rate, amount, rules.unit_minutes)


def format_minutes(minutes: int) -> str:
    """``1 h 30 min``: a duration in the English of a refusal's ``str()`` (the apps word it for
    their reader with ``meldpunt.localformat.duration``)."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (30-minute units are always exact: 1.50)."""
    return money(Decimal(minutes) / 60)


# ---------------------------------------------------------------- months
@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
        if not found or not 1 <= int(found[2]) <= 12:
            raise BillingError(f"{text!r} is not a month such as 2026-10", "month", text=text)
        if int(found[1]) not in YEARS:  # year 0 is no date; 9999-12 has no next month
            raise BillingError(f"{text!r}: the year must lie between {YEARS.start} and {YEARS.stop - 1}", "month_year",
                               text=text, first=YEARS.start, last=YEARS.stop - 1)
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, self.days)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def active_days(month: Month, starts_on: date, ends_on: date | None) -> int:
    """Days of ``month`` on which an agreement runs (both ends inclusive)."""
    first = max(month.first, starts_on)
    last = min(month.last, ends_on) if ends_on else month.last
    return max(0, (last - first).days + 1)


def pro_rata(monthly_price: Decimal, days: int, days_in_month: int) -> Decimal:
    """A month's price for ``days`` of it, by day, rounded half up to cents."""
    if days >= days_in_month:
        return money(monthly_price)
    return money(monthly_price * days / days_in_month)


# ---------------------------------------------------------- invoice lines
@dataclass(frozen=True)
class LineDraft:
    """One invoice line before it is stored: its numbers and the facts it is worded from.

    ``source_type`` is ``package``, ``addon`` or ``time``; ``item`` the package or add-on id
    (empty for time). ``facts`` hold what makes the line explainable to the customer; the
    billing app words them in the customer's language (``billing.line_words``), nothing here
    is a sentence. A fee: ``name`` (per language, from the catalog), ``names`` (named
    units), ``month``, ``code`` (agreement), ``monthly_price``, ``currency``, ``unit``,
    ``days`` and ``month_days``. A time line: ``number``, ``subject``, ``entries`` (ids),
    ``billed`` and ``worked`` (minutes).
    """

    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    source_type: str
    item: str
    facts: Mapping[str, Any]


@dataclass(frozen=True)
class FeeItem:
    """A monthly price on an agreement: its package or one of its add-ons."""

    source_type: str  # "package" or "addon"
    item: str
    name: Mapping[str, str]
    monthly_price: Decimal
    quantity: int = 1
    unit: str = "month"
    names: Sequence[str] = ()


def fee_lines(
    items: Sequence[FeeItem], *, month: Month, code: str, starts_on: date, ends_on: date | None, currency: str = "EUR",
) -> list[LineDraft]:
    """Package fee and add-ons for one agreement and month, pro rata by day for part months.

    Seed 004: package fees and add-ons are monthly; Koppeling is priced per integration,
    so its quantity is the number of integrations. Zero-priced items make no line.
    """
    days = active_days(month, starts_on, ends_on)
    if days == 0:
        return []
    lines = []
    for fee in items:
        if fee.monthly_price <= 0 or fee.quantity <= 0:
            continue
        unit_price = pro_rata(fee.monthly_price, days, month.days)
        lines.append(LineDraft(
            quantity=Decimal(fee.quantity),
            unit_price=unit_price,
            amount=money(unit_price * fee.quantity),
            source_type=fee.source_type,
            item=fee.item,
            facts={"name": dict(fee.name), "names": list(fee.names), "month": str(month), "code": code,
                   "monthly_price": fee.monthly_price, "currency": currency, "unit": fee.unit,
                   "days": days, "month_days": month.days},
        ))
    return lines


@dataclass(frozen=True)
class Session:
    """A billable time entry as the invoice run sees it."""

    id: int
    minutes: int
    billed_minutes: int
    rate: Decimal
    amount: Decimal


def time_line(number: int, subject: str, sessions: Sequence[Session]) -> LineDraft:
    """Billable time of one ticket at one rate: quantity in hours, amount the sum of sessions.

    The amount is the sum of the sessions' own amounts (each already rounded to cents at
    booking), so the line agrees with what the agent saw when booking.
    """
    if not sessions:
        raise BillingError("a time line needs at least one time entry", "no_entries")
    rates = {s.rate for s in sessions}
    if len(rates) != 1:
        raise BillingError("a time line bills one rate; split the sessions by rate", "one_rate")
    billed = sum(s.billed_minutes for s in sessions)
    return LineDraft(
        quantity=hours(billed),
        unit_price=rates.pop(),
        amount=sum((s.amount for s in sessions), Decimal("0.00")),
        source_type="time",
        item="",
        facts={"number": number, "subject": subject, "entries": sorted(s.id for s in sessions),
               "billed": billed, "worked": sum(s.minutes for s in sessions)},
    )


# ---------------------------------------------------------------- budget
@dataclass(frozen=True)
class BudgetState:
    """Seed 002: customers keep control of their budget — approved, booked, invoiced."""

    approved: Decimal
    booked: Decimal
    invoiced: Decimal
    warn_percent: int = 80

    @property
    def remaining(self) -> Decimal:
        return self.approved - self.booked

    @property
    def used_percent(self) -> Decimal:
        if self.approved <= 0:
            return Decimal(100) if self.booked > 0 else Decimal(0)
        return (self.booked * HUNDRED / self.approved).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    @property
    def exceeded(self) -> bool:
        return self.booked > self.approved

    @property
    def warning(self) -> bool:
        return self.used_percent >= self.warn_percent

    def after(self, amount: Decimal) -> BudgetState:
        return BudgetState(self.approved, self.booked + amount, self.invoiced, self.warn_percent)
