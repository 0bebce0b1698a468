"""Rating a resolved request (issue 19 item 8): the one write path for the link in the
resolution mail and the portal, so both follow the same rules.

- Only a resolved or closed request can be rated.
- A rating can be given and changed until ``MELDPUNT_RATING_DAYS`` (default 14) after the
  request was last resolved; after that it stays as it was.
- Repeating the same rating changes nothing and writes no event (a mail link clicked twice,
  or opened by a mail scanner and then by the person, answers the same).
- Every rating and every change is recorded in the ticket's event log (``rating``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.satisfaction.models import SCORE_CHOICES, Rating
from meldpunt.tickets import events
from meldpunt.tickets.models import Ticket, TicketEvent

SCORES = tuple(code for code, _label in SCORE_CHOICES)
DONE = ("resolved", "closed")
MAX_COMMENT = 2000


class RatingError(ValueError):
    """A rating that cannot be taken (request not resolved, window passed, bad score)."""


def window_days() -> int:
    return int(getattr(settings, "MELDPUNT_RATING_DAYS", 14))


def resolved_at(ticket: Ticket) -> datetime | None:
    """When the request was last resolved (or closed), from its event log; None while open."""
    if ticket.status not in DONE:
        return None
    event = (TicketEvent.objects.filter(ticket=ticket, kind="status", data__new__in=DONE)
             .order_by("-at", "-id").only("at").first())
    return event.at if event is not None else ticket.updated_at


def window_end(ticket: Ticket) -> datetime | None:
    """Until when the request can be rated or the rating changed; None while it is open."""
    resolved = resolved_at(ticket)
    return resolved + timedelta(days=window_days()) if resolved is not None else None


def can_rate(ticket: Ticket, now: datetime | None = None) -> bool:
    end = window_end(ticket)
    return end is not None and (now or timezone.now()) <= end


@transaction.atomic
def rate(ticket: Ticket, score: str, *, comment: str | None = None, contact=None, channel: str = "mail",
         actor=None, now: datetime | None = None) -> Rating:
    """Give or change the rating of ``ticket``. ``comment`` None keeps the comment there is."""
    if score not in SCORES:
        raise RatingError(_("A rating is good or bad."))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)  # one rating at a time per request
    now = now or timezone.now()
    if ticket.status not in DONE:
        raise RatingError(_("This request is not resolved (any more); you can rate it once it is resolved."))
    if not can_rate(ticket, now):
        raise RatingError(_("The time to rate this request has passed; your rating stays as it was."))
    comment = None if comment is None else comment.strip()[:MAX_COMMENT]
    rating = Rating.objects.filter(ticket=ticket).first()
    if rating is not None and rating.score == score and (comment is None or comment == rating.comment):
        return rating  # the same answer again: nothing changes
    old = rating.score if rating is not None else ""
    if rating is None:
        rating = Rating(ticket=ticket, rated_at=now)
    rating.score, rating.changed_at, rating.channel = score, now, channel
    if comment is not None:
        rating.comment = comment
    if contact is not None:
        rating.contact = contact
    rating.save()
    events.record(ticket, "rating", actor=actor, score=score, old=old, channel=channel, comment=rating.comment)
    return rating
