"""Tags and links on requests (HackSoft services; issue 19 item 6).

Every change is one transaction that locks the ticket (as the ticket services do) and
appends to its event log: ``tagged`` / ``untagged`` with the tag, ``linked`` /
``unlinked`` on both requests with the other one's number. Adding a tag that is already
there, or removing one that is not, changes nothing and logs nothing. Vendor staff only:
the pages and the API check that before calling.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from meldpunt.organise.models import TAG_LENGTH, Tag, TicketLink, TicketTag
from meldpunt.tickets import events
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.services import TicketError

_TAG = re.compile(r"^[\w.-]+$")


class OrganiseError(TicketError):
    """A tag, link or merge that cannot be made, with a message for the agent."""


def normalise_tag(name: str) -> str:
    """``name`` as a tag: trimmed, lower case, inner spaces as '-'. Raises
    :class:`OrganiseError` for an empty or too long name, or other characters than
    letters, digits, '-', '_' and '.'."""
    name = "-".join(str(name).strip().lower().split())
    if not name:
        raise OrganiseError(_("Give the tag a name."))
    if len(name) > TAG_LENGTH:
        raise OrganiseError(_("A tag has at most %(n)d characters.") % {"n": TAG_LENGTH})
    if not _TAG.match(name) or "\x00" in name:
        raise OrganiseError(_("A tag has only letters, digits, '-', '_' and '.'."))
    return name


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _tag_named(name: str) -> Tag:
    found = Tag.objects.filter(name=name).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:  # a colleague created it a moment earlier
        return Tag.objects.get(name=name)


@transaction.atomic
def add_tag(ticket: Ticket, name: str, *, actor=None) -> Tag:
    """Put tag ``name`` on ``ticket`` (creating the tag when it is new)."""
    name = normalise_tag(name)
    ticket = _lock(ticket)
    tag = _tag_named(name)
    _, created = TicketTag.objects.get_or_create(ticket=ticket, tag=tag, defaults={"added_by": actor})
    if created:
        events.record(ticket, "tagged", actor=actor, tag=tag.name)
    return tag


@transaction.atomic
def remove_tag(ticket: Ticket, name: str, *, actor=None) -> bool:
    """Take tag ``name`` off ``ticket``; False when it was not on it."""
    ticket = _lock(ticket)
    deleted, _rows = TicketTag.objects.filter(ticket=ticket, tag__name=str(name).strip().lower()).delete()
    if deleted:
        events.record(ticket, "untagged", actor=actor, tag=str(name).strip().lower())
    return bool(deleted)


def tags_of(ticket: Ticket) -> list[str]:
    return list(Tag.objects.filter(tickets=ticket).order_by("name").values_list("name", flat=True))


def _pair(ticket: Ticket, other: Ticket) -> tuple[Ticket, Ticket]:
    """Both rows locked, lower number first (so two agents linking the same pair take turns)."""
    if ticket.pk == other.pk:
        raise OrganiseError(_("A request cannot be linked to itself."))
    low, high = sorted((ticket.pk, other.pk))
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=(low, high)).order_by("pk")}
    if len(locked) != 2:
        raise OrganiseError(_("There is no request with that number."))
    return locked[ticket.pk], locked[other.pk]


@transaction.atomic
def link(ticket: Ticket, other: Ticket, *, actor=None) -> TicketLink:
    """Mark ``ticket`` and ``other`` as related; shown on both. Any two requests may be
    related (the same problem at two customers is worth knowing); only staff see links."""
    ticket, other = _pair(ticket, other)
    existing = TicketLink.objects.filter(Q(source=ticket, target=other) | Q(source=other, target=ticket)).first()
    if existing is not None:
        return existing
    low, high = sorted((ticket, other), key=lambda t: t.pk)
    made = TicketLink.objects.create(source=low, target=high, kind="related", created_by=actor)
    events.record(ticket, "linked", actor=actor, ticket=other.pk)
    events.record(other, "linked", actor=actor, ticket=ticket.pk)
    return made


@transaction.atomic
def unlink(ticket: Ticket, other: Ticket, *, actor=None) -> bool:
    """Remove the related link between the two (a merge's link stays: it is history)."""
    ticket, other = _pair(ticket, other)
    deleted, _rows = TicketLink.objects.filter(
        Q(source=ticket, target=other) | Q(source=other, target=ticket), kind="related").delete()
    if deleted:
        events.record(ticket, "unlinked", actor=actor, ticket=other.pk)
        events.record(other, "unlinked", actor=actor, ticket=ticket.pk)
    return bool(deleted)


def links_of(ticket: Ticket) -> QuerySet[TicketLink]:
    """Every link of ``ticket``, either way round, with both tickets loaded."""
    return (TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket))
            .select_related("source", "target").order_by("kind", "created_at", "id"))


def linked_tickets(ticket: Ticket) -> list[dict]:
    """The links as the ticket page and the API show them: the other request and how it is
    linked: ``related``, ``merged_into`` (this one went into it) or ``merged_from``."""
    rows = []
    for row in links_of(ticket):
        mine = row.source_id == ticket.pk
        other = row.target if mine else row.source
        how = "related" if row.kind == "related" else "merged_into" if mine else "merged_from"
        rows.append({"ticket": other, "how": how})
    return rows
