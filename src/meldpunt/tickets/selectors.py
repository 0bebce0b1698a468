"""Reads on tickets, scoped to who asks (HackSoft selectors).

Visibility (SPEC: customers see only their own organisation's data): vendor staff see
every ticket; a coordinator sees all tickets of their organisation; a plain contact the
tickets they reported and those of their organisation they follow (a Cc, or added as a
follower); anyone else nothing — a follower of another organisation never. Customers never see internal notes.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from meldpunt.contracts.selectors import contact_of, is_staff
from meldpunt.tickets.models import Message, Ticket
from meldpunt.tickets.search import search_ids


def visible_tickets(user) -> QuerySet[Ticket]:
    tickets = Ticket.objects.select_related("organisation", "agreement", "contact")
    if is_staff(user):
        return tickets
    contact = contact_of(user)
    if contact is None:
        return tickets.none()
    tickets = tickets.filter(organisation_id=contact.organisation_id)
    if not contact.is_coordinator:
        # their own requests, and those they follow (a Cc or a colleague added them)
        followed = Ticket.objects.filter(followers__contact_id=contact.pk).values("pk")
        tickets = tickets.filter(Q(contact_id=contact.pk) | Q(pk__in=followed))
    return tickets


def contact_sees(contact, ticket: Ticket) -> bool:
    """Whether this customer contact sees ``ticket`` in the portal: the rule of
    :func:`visible_tickets` for one contact and one ticket, for those known by their mail
    address rather than a login (a reply by mail, a decision by mail). A contact whose login
    was deactivated sees nothing; one without a login is judged by the same rule."""
    if contact.user_id is not None and not contact.user.is_active:
        return False
    if ticket.organisation_id is None or ticket.organisation_id != contact.organisation_id:
        return False
    if contact.is_coordinator or ticket.contact_id == contact.pk:
        return True
    return ticket.followers.filter(contact_id=contact.pk).exists()  # a follower of the organisation


def ticket_page(
    user,
    *,
    before: int | None = None,
    limit: int = 50,
    status: str | None = None,
    kind: str | None = None,
    priority: str | None = None,
    organisation: int | None = None,
    extra: Q | None = None,
) -> tuple[list[Ticket], int | None]:
    """One page of visible tickets, newest first, and the ``before`` of the next page.

    Keyset paging on the id (``id < before``) rather than OFFSET, and no COUNT(*): the
    cost of a page stays the same however many tickets the desk holds.
    """
    tickets = _filtered(user, status=status, kind=kind, priority=priority, organisation=organisation, extra=extra)
    if before is not None:
        tickets = tickets.filter(id__lt=before)
    rows = list(tickets.order_by("-id")[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].pk
    return rows, None


def _filtered(user, *, status=None, kind=None, priority=None, organisation=None, extra: Q | None = None) -> QuerySet[Ticket]:
    """``extra``: a further condition from an app above (tags, teams: the API builds it)."""
    filters = {"status": status, "kind": kind, "priority": priority, "organisation_id": organisation}
    found = visible_tickets(user).filter(**{field: value for field, value in filters.items() if value is not None})
    return found.filter(extra) if extra is not None else found


#: How deep search results can be paged.
MAX_SEARCH_OFFSET = 10_000


def search_page(
    user,
    q: str,
    *,
    offset: int = 0,
    limit: int = 50,
    status: str | None = None,
    kind: str | None = None,
    priority: str | None = None,
    organisation: int | None = None,
    extra: Q | None = None,
) -> tuple[list[Ticket], int | None]:
    """One page of the visible tickets matching ``q``, best match first, and the offset of
    the next page (None on the last). Customers search what they may see, internal notes
    only staff (:func:`meldpunt.tickets.search.search`)."""
    tickets = _filtered(user, status=status, kind=kind, priority=priority, organisation=organisation, extra=extra)
    offset = min(max(offset, 0), MAX_SEARCH_OFFSET)
    ids = search_ids(tickets, q, internal=is_staff(user), offset=offset, limit=limit + 1)
    found = tickets.in_bulk(ids)
    rows = [found[pk] for pk in ids if pk in found]
    if len(rows) > limit and offset + limit <= MAX_SEARCH_OFFSET:
        return rows[:limit], offset + limit
    return rows[:limit], None


def visible_messages(user, ticket: Ticket) -> QuerySet[Message]:
    """The thread as the caller may read it: customers get public messages only."""
    messages = ticket.messages.select_related("author").order_by("created_at", "id")
    if is_staff(user):
        return messages
    return messages.filter(public=True)
