"""People who follow a request besides its reporter, and who may (issue 19: Cc and followers).

Who may follow (so that a Cc never shows one organisation's request to someone else):

- **Cc of a mail** (a new request, or a reply that was added to a request): each Cc address
  that belongs to a contact of the request's organisation follows it. Any other address —
  a stranger, another organisation's contact, the vendor's own mailbox — does not; it is
  recorded in the event log (``cc_not_followed``) so an agent can decide. A mail that was
  not added to the request (someone who may not write into it) adds nobody; nor does a
  request without organisation (an unknown sender's, in triage).
- **An agent** adds a contact of the organisation, or, deliberately (``outside=True``), any
  other address (a partner, a consultant): vendor staff decide what leaves the desk.
- **The coordinator** adds contacts of their own organisation, in the portal.

A contact whose login was deactivated neither follows nor gets mail. Followers receive the
public replies of agents (not internal notes) through the one outbox, in their language;
they may answer by mail like the reporter (``may_write``). Every change is in the event log.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Contact
from meldpunt.core.mailheaders import header_address
from meldpunt.core.vocabulary import supported_language
from meldpunt.intake.models import Follower
from meldpunt.tickets import events
from meldpunt.tickets.models import Ticket


class FollowerError(ValueError):
    """A follower that cannot be added, with a message for the person who asked."""


def _contact(ticket: Ticket, address: str) -> Contact | None:
    """The contact of the ticket's organisation with this address (active or without login)."""
    if ticket.organisation_id is None:
        return None
    contact = (Contact.objects.with_address(address).filter(organisation_id=ticket.organisation_id)
               .select_related("user").first())
    if contact is None or (contact.user_id is not None and not contact.user.is_active):
        return None
    return contact


def _reporter(ticket: Ticket) -> str:
    return (ticket.contact.email if ticket.contact_id else ticket.reporter_email or "").lower()


def _write(ticket: Ticket, *, address: str, name: str, contact: Contact | None, source: str, by=None) -> Follower | None:
    """One follower row (none when already following or the reporter), and its event."""
    if address == _reporter(ticket) or Follower.objects.filter(ticket=ticket, email=address).exists():
        return None
    try:
        with transaction.atomic():
            follower = Follower.objects.create(
                ticket=ticket, email=address, name=(contact.name if contact else name)[:200], contact=contact,
                language=supported_language(contact.language if contact else ticket.language), source=source,
                added_by=by)
    except IntegrityError:  # added at the same moment by someone else
        return None
    events.record(ticket, "follower_added", actor=by, email=address, source=source)
    return follower


def from_mail(ticket: Ticket, cc: list[tuple[str, str]]) -> list[Follower]:
    """The Cc of a mail added to ``ticket``: contacts of its organisation follow it; the other
    addresses are recorded, not followed (see the module's rules)."""
    added, refused = [], []
    for name, address in cc:
        contact = _contact(ticket, address)
        if contact is None:
            refused.append(address)
            continue
        follower = _write(ticket, address=address, name=name, contact=contact, source="cc")
        if follower is not None:
            added.append(follower)
    if refused:
        events.record(ticket, "cc_not_followed", addresses=refused[:20])
    return added


def add(ticket: Ticket, address: str, *, by, source: str = "agent", outside: bool = False, name: str = "") -> Follower:
    """An agent (``source="agent"``) or the coordinator (``"coordinator"``) adds a follower.
    Only an agent may add an address that is no contact of the organisation, and only
    with ``outside=True``."""
    address = header_address((address or "").strip()).lower()
    if not address:
        raise FollowerError(_("give one e-mail address"))
    contact = _contact(ticket, address)
    if contact is None and not (source == "agent" and outside):
        raise FollowerError(_("only contacts of the organisation can follow this request")
                            if source != "agent" else
                            _("this address is no contact of the organisation: confirm that it may receive the replies"))
    if address == _reporter(ticket):
        raise FollowerError(_("the reporter already receives every reply"))
    follower = _write(ticket, address=address, name=name, contact=contact, source=source, by=by)
    if follower is None:
        raise FollowerError(_("already following this request"))
    return follower


@transaction.atomic
def remove(ticket: Ticket, follower_id: int, *, by) -> bool:
    """Stop a follower (of this ticket only); False when there was none."""
    follower = Follower.objects.filter(ticket=ticket, pk=follower_id).first()
    if follower is None:
        return False
    follower.delete()
    events.record(ticket, "follower_removed", actor=by, email=follower.email)
    return True


def carry_over(duplicate: Ticket, into: Ticket, *, by=None) -> list[Follower]:
    """A merge (as Zendesk's "requester and CCs of the merged ticket"): the duplicate's
    reporter and followers follow the request it went into, so their answers to the
    duplicate's number are theirs to write and the replies keep reaching them. A contact
    of another organisation never follows (merges stay within one organisation anyway)."""
    people = [(_reporter(duplicate), duplicate.contact.name if duplicate.contact_id else duplicate.reporter_name,
               duplicate.contact if duplicate.contact_id else None)]
    people += [(f.email, f.name, f.contact) for f in listed(duplicate)]
    added = []
    for address, name, contact in people:
        if not address or (contact is not None and contact.organisation_id != into.organisation_id):
            continue
        follower = _write(into, address=address, name=name or "", contact=contact or _contact(into, address),
                          source="agent", by=by)
        if follower is not None:
            added.append(follower)
    return added


def listed(ticket: Ticket) -> list[Follower]:
    return list(Follower.objects.filter(ticket=ticket).select_related("contact__user"))


def _active(follower: Follower) -> bool:
    contact = follower.contact
    return contact is None or contact.user_id is None or contact.user.is_active


def recipients(ticket: Ticket) -> list[Follower]:
    """The followers who get the public replies: not the reporter (who gets them anyway),
    not a contact whose login was deactivated, and — for a contact — still of the ticket's
    organisation (a request moved to another organisation loses its old followers' mail)."""
    reporter = _reporter(ticket)
    return [f for f in listed(ticket)
            if f.email != reporter and _active(f)
            and (f.contact is None or f.contact.organisation_id == ticket.organisation_id)]


def may_write(ticket: Ticket, sender: str) -> bool:
    """Whether mail from ``sender`` is added to ``ticket`` because they follow it."""
    return any(f.email == sender for f in recipients(ticket))


def candidates(ticket: Ticket):
    """Contacts of the organisation who could follow (the pickers of console and portal)."""
    if ticket.organisation_id is None:
        return Contact.objects.none()
    taken = Follower.objects.filter(ticket=ticket).values("email")
    return (Contact.objects.filter(organisation_id=ticket.organisation_id).exclude(email__in=taken)
            .exclude(pk=ticket.contact_id or 0).exclude(user__is_active=False).order_by("name"))
