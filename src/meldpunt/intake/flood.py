"""Floods hurt nobody: the hourly limits of mail intake, in one place.

Anyone can put any address in a From header, so a flood says nothing about who sent it.

- **Held, not dropped.** Beyond ``MELDPUNT_MAIL_THROTTLE_PER_HOUR`` mails from one address in
  the last hour, further mail from it is kept with outcome ``held``: not registered, not
  answered (no mail loop can start), and listed for agents (``/intake/held/``), who release
  it (it is registered as it would have been) or discard it. A forged flood "from" a real
  contact therefore never silences that contact: their own mail waits in the same list.
  :func:`meldpunt.intake.services.ingest` and the batch path (:mod:`meldpunt.intake.bulk`)
  both ask :func:`held_reason`.
- **Few confirmations to strangers.** A new request from an address that is no contact is
  confirmed at most ``MELDPUNT_CONFIRM_UNKNOWN_PER_ADDRESS`` times per address and
  ``MELDPUNT_CONFIRM_UNKNOWN_PER_HOUR`` times overall per hour, so nobody can make the desk
  mail thousands of addresses of their choosing. Beyond that the request is registered as
  always, just not confirmed; the ticket's event log (``confirmation_withheld``) and the
  inbound mail's reason say so once the follow-up of the registration has written (or
  withheld) the confirmation.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from meldpunt.intake.models import InboundMail, OutboundMail
from meldpunt.intake.reasons import note
from meldpunt.tickets import events
from meldpunt.tickets.models import Ticket

WITHHELD = "confirmation_withheld"


def throttle_limit() -> int:
    """Mails per sender per hour before further mail is held for an agent."""
    return int(getattr(settings, "MELDPUNT_MAIL_THROTTLE_PER_HOUR", 30))


def recent_counts(senders) -> dict[str, int]:
    """How many mails each of these addresses sent in the last hour (one query)."""
    senders = list(senders)
    if not senders:
        return {}
    since = timezone.now() - timedelta(hours=1)
    return dict(InboundMail.objects.filter(sender__in=senders, received_at__gte=since)
                .values_list("sender").annotate(n=Count("id")).values_list("sender", "n"))


def held_reason(sender: str, recent: int) -> dict | None:
    """Why a mail from ``sender``, who sent ``recent`` mails in the last hour, is held (a note,
    :mod:`meldpunt.intake.reasons`); None when it is not."""
    limit = throttle_limit()
    if recent < limit:
        return None
    return note("held", limit=limit, sender=sender)


def confirmation_refused(address: str) -> dict | None:
    """Why a confirmation to ``address`` (no contact) is not sent (a note), or None when it may be."""
    since = timezone.now() - timedelta(hours=1)
    sent = OutboundMail.objects.filter(kind="confirmation", created_at__gte=since, ticket__contact__isnull=True)
    per_address = int(getattr(settings, "MELDPUNT_CONFIRM_UNKNOWN_PER_ADDRESS", 3))
    overall = int(getattr(settings, "MELDPUNT_CONFIRM_UNKNOWN_PER_HOUR", 100))
    if sent.filter(to=address).count() >= per_address:
        return note("not_confirmed_address", count=per_address, address=address)
    if sent.count() >= overall:
        return note("not_confirmed_overall", count=overall)
    return None


def withhold(ticket: Ticket, address: str, reason: dict) -> None:
    """Record on the ticket that its confirmation was not sent, and why; the mail it came
    in with says so too (its reason, shown to agents and in the intake admin). The
    confirmation is written by the follow-up after the registration, so this comes after
    the mail's outcome was reported."""
    events.record(ticket, WITHHELD, to=address, reason=reason)  # worded by the timeline (intake.reasons)
    for inbound in InboundMail.objects.filter(ticket=ticket, outcome="created").defer("raw"):
        if reason not in inbound.notes:
            inbound.notes, inbound.legacy_reason = inbound.noted(reason), ""
            inbound.save(update_fields=["notes", "legacy_reason"])
