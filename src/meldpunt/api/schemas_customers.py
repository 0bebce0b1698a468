"""Shapes of the write API for organisations, contacts and agreements (issue 22)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from ninja import Field, Schema

from meldpunt.api.schemas import DbId, Language, Moment, Ref, Text

Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


class OrganisationIn(Schema):
    name: Text(200, 1)
    number: Text(40) = Field("", description="The vendor's customer number; unique when given")
    language: Language = "nl"


class OrganisationChange(Schema):
    name: Text(200, 1) | None = None
    number: Text(40) | None = None
    language: Language | None = None


class OrganisationOut(Schema):
    id: int
    number: str
    name: str
    language: str
    created_at: Moment


class ContactIn(Schema):
    organisation: DbId
    name: Text(200, 1)
    email: Text(254, 1)
    phone: Text(40) = ""
    language: Language = "nl"
    is_coordinator: bool = False


class ContactChange(Schema):
    organisation: DbId | None = None
    name: Text(200, 1) | None = None
    email: Text(254, 1) | None = None
    phone: Text(40) | None = None
    language: Language | None = None
    is_coordinator: bool | None = None


class ContactOut(Schema):
    id: int
    organisation: Ref
    name: str
    email: str
    phone: str
    language: str
    is_coordinator: bool
    active: bool = Field(description="false: the contact was ended; their login no longer works")


class AddonIn(Schema):
    addon: Text(60, 1)
    quantity: Annotated[int, Field(ge=1, le=2**31 - 1)] = 1
    names: list[Text(200, 1)] = Field([], description="The named items, e.g. the integrations; at most quantity")


class TargetOverrideIn(Schema):
    priority: Text(20, 1)
    kinds: list[Text(40, 1)] | None = None
    response: Text(20, 1) | None = None
    resolution: Text(20, 1) | None = None


class AgreementIn(Schema):
    code: Text(40, 1)
    organisation: DbId
    catalog: Text(40, 1) = Field(description="The catalog's vendor id, e.g. erpm")
    catalog_version: Text(40) = Field("", description="Empty: the latest loaded version")
    package: Text(60, 1)
    addons: list[AddonIn] = []
    starts_on: date
    ends_on: date | None = None
    coordinator: DbId | None = Field(None, description="A contact of the organisation")
    declared_users: Count = 0
    declared_customisation_lines: Count = 0
    target_overrides: list[TargetOverrideIn] = []


class AgreementChange(Schema):
    """Fields left out stay as they are; ``addons`` given replaces all add-ons. The catalog
    version an agreement was signed under does not change here (make a new agreement)."""

    organisation: DbId | None = None
    package: Text(60, 1) | None = None
    addons: list[AddonIn] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    coordinator: DbId | None = None
    declared_users: Count | None = None
    declared_customisation_lines: Count | None = None
    target_overrides: list[TargetOverrideIn] | None = None


class EndIn(Schema):
    on: date | None = Field(None, description="The last day; empty: today")
