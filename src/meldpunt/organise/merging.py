"""Merge a duplicate request into another one (issue 19 item 6).

What a Zendesk or Zammad agent expects, within one organisation:

- the duplicate's thread moves: its messages (with their attachments) and the mail that
  came in or went out for it, so a customer's answer to an earlier mail of the duplicate
  threads into the request it went into;
- the duplicate's own report (subject and description) is kept on the other request as an
  internal note, so nothing the customer wrote is lost;
- the duplicate is closed through :func:`meldpunt.tickets.services.change_status`, so its
  clocks stop and the customer is told as for any closing;
- the duplicate's reporter and followers follow the other request
  (:func:`meldpunt.intake.followers.carry_over`), and a later answer to the duplicate's
  number (mail ``[#n]``) lands on the other request (:mod:`meldpunt.tickets.merged`);
- a ``duplicate`` link ties them both ways (the ticket pages show "merged into #n" and
  "merged from #n"), and each gets an event: ``merged_into`` and ``merged_from``.

Only requests of the same organisation merge: the thread of one customer must never show
up on another customer's request, and an unknown sender's request is first placed on its
organisation ("Correct this request"). A closed request, or a duplicate that was merged
already, takes no merge. The clocks of the request merged into are not changed: its
receipt and its replies stand.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from meldpunt.intake import followers
from meldpunt.intake.models import InboundMail, OutboundMail
from meldpunt.organise.models import TicketLink, TicketTag
from meldpunt.organise.services import OrganiseError
from meldpunt.tickets import events, search_index
from meldpunt.tickets.models import Message, Ticket
from meldpunt.tickets.services import ConflictError, add_message, change_status


def _check(duplicate: Ticket, into: Ticket) -> None:
    if duplicate.pk == into.pk:
        raise OrganiseError(_("A request cannot be merged into itself."))
    if duplicate.organisation_id is None or duplicate.organisation_id != into.organisation_id:
        raise OrganiseError(_("Only requests of the same organisation can be merged; place an unknown "
                              "sender's request on its organisation first."))
    if into.status == "closed":
        raise OrganiseError(_("Request #%(n)d is closed; merge into an open request.") % {"n": into.pk})
    if duplicate.status == "closed" or TicketLink.objects.filter(source=duplicate, kind="duplicate").exists():
        raise OrganiseError(_("Request #%(n)d is closed or was merged already.") % {"n": duplicate.pk})


@transaction.atomic
def merge(duplicate: Ticket, into: Ticket, *, actor=None, expected_version: int | None = None) -> Ticket:
    """Merge ``duplicate`` into ``into`` and return ``into``. ``expected_version``: the
    duplicate's version the agent saw (a stale page raises
    :class:`~meldpunt.tickets.services.ConflictError`)."""
    if duplicate.pk == into.pk:
        raise OrganiseError(_("A request cannot be merged into itself."))
    low, high = sorted((duplicate.pk, into.pk))
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=(low, high)).order_by("pk")}
    if len(locked) != 2:
        raise OrganiseError(_("There is no request with that number."))
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if expected_version is not None and duplicate.version != expected_version:
        raise ConflictError(_("ticket #%(number)s was changed by someone else; reload and try again") % {"number": duplicate.pk})
    _check(duplicate, into)
    moved = Message.objects.filter(ticket=duplicate).update(ticket=into)
    InboundMail.objects.filter(ticket=duplicate).update(ticket=into)
    OutboundMail.objects.filter(ticket=duplicate).update(ticket=into)
    tags = TicketTag.objects.filter(ticket=duplicate).exclude(tag__in=TicketTag.objects.filter(ticket=into).values("tag"))
    for row in tags:
        TicketTag.objects.create(ticket=into, tag=row.tag, added_by=actor)
    report = "\n\n".join(part for part in (duplicate.subject, duplicate.description) if part.strip())
    add_message(into, _("Merged from request #%(n)d:") % {"n": duplicate.pk} + "\n\n" + report,
                author=actor, public=False, channel=duplicate.channel)
    followers.carry_over(duplicate, into, by=actor)
    TicketLink.objects.create(source=duplicate, target=into, kind="duplicate", created_by=actor)
    events.record(duplicate, "merged_into", actor=actor, ticket=into.pk, messages=moved)
    events.record(into, "merged_from", actor=actor, ticket=duplicate.pk, messages=moved)
    change_status(duplicate, "closed", actor=actor)
    search_index.refresh([duplicate.pk, into.pk])
    return Ticket.objects.get(pk=into.pk)
