"""Whether someone a mail goes to can follow its request in the portal: the mail then
links there; otherwise it says how to answer by mail (a follower known by address only)."""

from __future__ import annotations

from meldpunt.contracts.models import Contact
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.selectors import contact_sees


def sees_in_portal(ticket: Ticket, person) -> bool:
    """Whether the mail's recipient can follow ``ticket`` in the portal: a contact with an
    active login who sees it there. A follower without an account (an address only) never,
    so their mail says how to answer by mail and never points at the portal."""
    user_id = getattr(person, "user_id", None)
    if not isinstance(person, Contact) or user_id is None or not person.user.is_active:
        return False
    return contact_sees(person, ticket)


def address_sees_in_portal(ticket: Ticket | None, address: str) -> bool:
    """:func:`sees_in_portal` for the contact behind a mail address (none: False)."""
    if ticket is None:
        return False
    contact = Contact.objects.with_address(address).select_related("user").first()
    return contact is not None and sees_in_portal(ticket, contact)
