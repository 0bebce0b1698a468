"""Request shapes of correcting a request and planning its resolution (issue 19)."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import AwareDatetime

from meldpunt.api.schemas import MAX_DB_ID, DbId, Kind, Language, Text


class NewContactIn(Schema):
    name: Text(200, min_length=1)
    email: Text(254) = Field("", description="empty: the address the request came from")
    language: Language = "nl"


class CorrectionIn(Schema):
    """Only the fields given change; every change is in the event log."""

    kind: Kind | None = None
    product: Text(120) | None = None
    product_version: Text(60) | None = None
    error_code: Text(120) | None = None
    reproduction: Text(100_000) | None = None
    organisation: DbId | None = Field(None, description="organisation id")
    agreement: Text(40) | None = Field(None, description="agreement code; must belong to the organisation")
    contact: DbId | None = Field(None, description="contact id; must belong to the organisation")
    new_contact: NewContactIn | None = Field(None, description="create the contact (an unknown sender) and place the request on it")
    reason: Text(300) = ""
    expected_version: int | None = Field(None, ge=1, le=MAX_DB_ID)


class PlanIn(Schema):
    planned_at: AwareDatetime | None = Field(description="the agreed resolution date of a 'by planning' target; null clears it")
    expected_version: int | None = Field(None, ge=1, le=MAX_DB_ID)
