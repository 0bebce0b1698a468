"""Request and response shapes of the API (ninja schemas), and the types they share.

Input text is checked for what the database would choke on (NUL characters, lone
surrogates, lengths above the column), ids for the 64-bit range, so bad input answers 422
instead of a 500 from the driver. Datetimes go out as ISO 8601 with an offset: ticket
times in the desk's zone (``TIME_ZONE``), clock times in their calendar's zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, PlainSerializer, StringConstraints, WithJsonSchema

from meldpunt.tickets.models import CHANNEL_CHOICES, KIND_CHOICES, STATUS_CHOICES

MAX_DB_ID = 2**63 - 1


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("must not contain NUL characters"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("must be valid Unicode text")) from None
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - reads as a type in annotations
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length), AfterValidator(_storable)]


EARLIEST_RECEIPT = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=5)


def _plausible_receipt(value: datetime) -> datetime:
    """A receipt moment lies in the past (a little clock skew allowed) and after 2000."""
    if value < EARLIEST_RECEIPT:
        raise ValueError(_("must be after 2000-01-01"))
    if value > timezone.now() + CLOCK_SKEW:
        raise ValueError(_("must not lie in the future"))
    return value


DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
Kind = Literal[*(k for k, _ in KIND_CHOICES)]
TicketStatus = Literal[*(s for s, _ in STATUS_CHOICES)]
Channel = Literal[*(c for c, _ in CHANNEL_CHOICES)]
Language = Literal["en", "nl"]
_DATETIME_SCHEMA = WithJsonSchema({"type": "string", "format": "date-time"})
#: A stored (UTC) moment, shown in the desk's time zone.
Moment = Annotated[datetime, PlainSerializer(lambda d: timezone.localtime(d).isoformat(), return_type=str), _DATETIME_SCHEMA]
#: A moment already converted to the zone it should be shown in (a clock's calendar).
ZonedMoment = Annotated[datetime, PlainSerializer(lambda d: d.isoformat(), return_type=str), _DATETIME_SCHEMA]
Names = dict[str, str]


class ErrorOut(Schema):
    detail: str


# ------------------------------------------------------------------ catalogs
class PackageOut(Schema):
    id: str
    name: Names
    monthly_price: str = Field(description="Decimal amount in the catalog's currency, e.g. '195.00'")
    includes: str | None
    calendar: str
    limits: dict[str, int]
    entitlements: list[str]
    covers: list[str]


class AddonOut(Schema):
    id: str
    name: Names
    monthly_price: str
    unit: str
    requires: list[str]
    entitlements: list[str]
    removes: list[str]


class CalendarOut(Schema):
    id: str
    name: Names
    timezone: str
    description: Names


class PrioritySchemeOut(Schema):
    scheme: str
    levels: list[str]
    default: str | None
    fixed: dict[str, str]
    impacts: list[str]
    urgencies: list[str]
    matrix: dict[str, dict[str, str]] = Field(description="impact → urgency → level")
    labels: dict[str, Names]


class CatalogOut(Schema):
    id: int
    vendor: str
    version: str
    name: str
    currency: str
    loaded_at: Moment
    kinds: list[str]
    packages: list[PackageOut]
    addons: list[AddonOut]
    calendars: list[CalendarOut]
    priority: PrioritySchemeOut


# ---------------------------------------------------------------- agreements
class Ref(Schema):
    id: int
    name: str


class CatalogRef(Schema):
    id: int
    vendor: str
    version: str


class PackageRef(Schema):
    id: str
    name: Names


class AgreementAddonOut(Schema):
    addon: str
    name: Names
    quantity: int
    names: list[str] = Field(description="What the add-on is bought for, e.g. the named integrations")


class LimitExcessOut(Schema):
    limit: str
    allowed: int
    declared: int
    message: str


class AgreementOut(Schema):
    id: int
    code: str
    organisation: Ref
    catalog: CatalogRef
    package: PackageRef
    coordinator: Ref | None
    starts_on: date
    ends_on: date | None
    declared_users: int
    declared_customisation_lines: int
    addons: list[AgreementAddonOut]
    limit_excesses: list[LimitExcessOut]
    entitlements: list[str]
    problems: list[str] = Field(description="Why the agreement is unusable (unknown package, add-on without its package)")


# ------------------------------------------------------------------- tickets
class TicketOut(Schema):
    id: int
    number: int
    organisation: Ref | None = Field(description="null while an unknown sender's mail waits in triage")
    agreement: str | None = Field(description="agreement code")
    contact: Ref | None = Field(description="the reporter")
    kind: str
    status: str
    priority: str
    priority_reason: str
    priority_provisional: bool = Field(False, description="the catalog's provisional priority: to be assessed")
    impact: str
    urgency: str
    subject: str
    channel: str
    language: str
    received_at: Moment
    planned_at: Moment | None
    version: int = Field(description="send as expected_version to refuse stale changes")
    created_at: Moment
    updated_at: Moment
    category: str = Field("Call", description="Call, or Advisory/Consultant for an advisory request with a proposal")
    customer_status: str = Field("new", description="The status as the customer reads it (new = not yet accepted)")
    triage_state: str = Field("", description="Where triage stands: '', incomplete, accepted or advisory")
    tags: list[str] = Field(default_factory=list, description="the desk's tags (vendor staff only; empty for customers)")
    team: str | None = Field(None, description="the team whose queue it is in (vendor staff only)")


class PauseOut(Schema):
    start: ZonedMoment
    end: ZonedMoment | None
    reason: str


class ClockOut(Schema):
    metric: str
    state: str
    target: str
    calendar: str
    started_at: ZonedMoment | None
    due_at: ZonedMoment | None
    stopped_at: ZonedMoment | None
    met: bool | None = Field(None, description="stopped at or before due; None while running, without a due "
                             "moment, or for an indicative clock")
    indicative: bool = Field(False, description="the catalog calls this target indicative: due_at is shown, "
                             "but the clock never breaches (no met/missed, no escalation)")
    within_indicative: bool | None = Field(None, description="an indicative clock that stopped: within the "
                                           "indicative time or not")
    pauses: list[PauseOut]
    explanation: list[str]


class MessageOut(Schema):
    id: int
    author: str | None
    from_customer: bool
    public: bool
    channel: str
    body: str
    created_at: Moment
    #: The request the message is on: another one when a customer's reply to a closed
    #: request started a new request that follows it up.
    ticket: int | None = None


class TicketDetailOut(TicketOut):
    description: str
    product: str = ""
    product_version: str = ""
    error_code: str = ""
    reproduction: str = ""
    clocks: list[ClockOut]
    messages: list[MessageOut]


class TicketPageOut(Schema):
    items: list[TicketOut]
    next_before: int | None = Field(description="pass as ?before= for the next page; null on the last page")
    next_offset: int | None = Field(None, description="with q: pass as ?offset= for the next page; null on the last page")


class TicketFilters(Schema):
    status: TicketStatus | None = None
    kind: Kind | None = None
    priority: Text(20) | None = None
    organisation: DbId | None = Field(None, description="organisation id (useful for staff)")
    before: DbId | None = Field(None, description="only tickets with a lower id (keyset paging; not with q)")
    limit: int = Field(50, ge=1, le=200)
    q: Text(200) | None = Field(None, description="full-text search: words (all must occur), #number or error code; "
                                "results best match first, paged with offset")
    offset: int = Field(0, ge=0, le=10_000, description="with q: skip this many results (next_offset of the last page)")
    tag: Text(40) | None = Field(None, description="only tickets with this tag (vendor staff)")
    team: DbId | None = Field(None, description="only tickets in this team's queue (vendor staff)")


class TicketIn(Schema):
    subject: Text(300, min_length=1)
    description: Text(100_000) = ""
    kind: Kind = "incident"
    agreement: Text(40) | None = Field(None, description="agreement code; required for vendor staff")
    impact: Text(20) = ""
    urgency: Text(20) = ""
    priority: Text(20) | None = None
    product: Text(120) = Field("", description="incident details the catalog's completeness rules may ask for: "
                               "the product, its version, the error code if any, the minimal steps that show it")
    product_version: Text(60) = ""
    error_code: Text(120) = ""
    reproduction: Text(100_000) = ""
    channel: Channel = "api"
    received_at: Annotated[AwareDatetime, AfterValidator(_plausible_receipt)] | None = Field(None, description="vendor staff only; customers' requests are received now")


class MessageIn(Schema):
    body: Text(100_000, min_length=1)
    public: bool = Field(True, description="false makes an internal note (vendor staff only)")


class StatusIn(Schema):
    status: TicketStatus
    expected_version: int | None = Field(None, ge=1, le=MAX_DB_ID)


class PriorityIn(Schema):
    priority: Text(20) | None = None
    impact: Text(20) = ""
    urgency: Text(20) = ""
    reason: Text(300) = ""
    expected_version: int | None = Field(None, ge=1, le=MAX_DB_ID)
