"""Request and answer shapes of tags, links, merge, bulk actions and teams (issue 19 items 6, 7)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from meldpunt.api.schemas import MAX_DB_ID, DbId, Text


class TagIn(Schema):
    tag: Text(40, min_length=1) = Field(description="lower-cased, spaces become '-'; letters, digits, '-', '_', '.'")


class TagsOut(Schema):
    tags: list[str]


class OtherIn(Schema):
    ticket: DbId = Field(description="the other request's number")


class LinkOut(Schema):
    ticket: int
    subject: str
    status: str
    how: Literal["related", "merged_into", "merged_from"]


class MergeIn(Schema):
    into: DbId = Field(description="the request this one (the duplicate) is merged into; same organisation")
    expected_version: int | None = Field(None, ge=1, le=MAX_DB_ID, description="the duplicate's version")


class BulkIn(Schema):
    tickets: list[DbId] = Field(min_length=1, max_length=200)
    action: Literal["assign", "status", "priority", "tag", "untag", "team"]
    value: Text(40) = Field("", description="user id (assign; empty unassigns), status, priority level, tag, or team id "
                               "(team; empty: no team)")
    reason: Text(300) = Field("", description="required with priority")


class RowOut(Schema):
    ticket: int
    ok: bool
    message: str


class BulkOut(Schema):
    done: int
    results: list[RowOut]


class TeamOut(Schema):
    id: int
    name: str
    round_robin: bool
    members: list[str]


class TeamIn(Schema):
    team: DbId | None = Field(description="team id; null takes the request out of every team's queue")


class MergedOut(Schema):
    """409 for a message to a merged duplicate: post it to ``merged_into`` instead."""

    detail: str
    merged_into: int = Field(description="the request the duplicate was merged into; post the message there")
