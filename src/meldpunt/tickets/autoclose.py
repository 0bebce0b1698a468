"""Resolved requests close by themselves once their reopen window is over (issue 19).

As in Zendesk ("solved" tickets are closed after a set number of days) and Zammad: a
request stays *resolved* for the catalog's ``reopen_days`` (calendar days after it was
last resolved; 14 when the catalog is silent), during which a customer's reply reopens it
(:mod:`meldpunt.tickets.replies`). After the window the scheduler's ``auto-close`` job
closes it through :func:`~meldpunt.tickets.services.change_status` (so the clocks stop and
the customer gets the usual closing mail) and logs ``auto_closed`` with the window. A reply
after that starts a new request linked to the old one — the same outcome the window alone
gave before the job existed, so the two rules never disagree.

Safe with several workers: each request is taken with ``SELECT … FOR UPDATE SKIP LOCKED``
and only while it is still resolved, so a request another worker (or an agent) holds is
left for it, and a request closed once is never closed twice. A run does at most
``limit`` requests; the next run takes the rest.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from meldpunt.contracts.models import CatalogVersion
from meldpunt.core.catalog import DEFAULT_REOPEN_DAYS
from meldpunt.tickets import events
from meldpunt.tickets.models import Ticket, TicketEvent
from meldpunt.tickets.replies import reopen_days, resolved_at
from meldpunt.tickets.services import change_status

#: Requests closed per run at most (the job runs hourly).
LIMIT = 1000


def closes_at(ticket: Ticket) -> datetime | None:
    """When a resolved ``ticket`` closes by itself (None when it is not resolved)."""
    if ticket.status != "resolved":
        return None
    return resolved_at(ticket) + timedelta(days=reopen_days(ticket))


def _last_resolved() -> Subquery:
    """The moment of a ticket's last change to resolved, as SQL."""
    return Subquery(TicketEvent.objects.filter(ticket=OuterRef("pk"), kind="status", data__new="resolved")
                    .order_by("-at", "-id").values("at")[:1])


def _due(now: datetime) -> Q:
    """Resolved requests whose last resolution is older than their catalog's window (on the
    moment the event was written; the moment it took effect is checked per request)."""
    windows: dict[int, list[int]] = {}
    catalogs = (Ticket.objects.filter(status="resolved", agreement__isnull=False)
                .values_list("agreement__catalog", flat=True).distinct())
    for catalog in CatalogVersion.objects.filter(pk__in=catalogs):
        windows.setdefault(catalog.parsed().reopen_days, []).append(catalog.pk)
    due = Q(agreement__isnull=True, last_resolved__lte=now - timedelta(days=DEFAULT_REOPEN_DAYS))
    for days, ids in windows.items():
        due |= Q(agreement__catalog__in=ids, last_resolved__lte=now - timedelta(days=days))
    return due


def close_resolved(now: datetime | None = None, *, limit: int = LIMIT) -> list[int]:
    """Close every resolved request whose reopen window ended by ``now``; returns their ids."""
    now = now or timezone.now()
    candidates = list(Ticket.objects.filter(status="resolved").annotate(last_resolved=_last_resolved())
                      .filter(_due(now)).order_by("pk")
                      .values_list("pk", flat=True)[:limit])
    closed = []
    for pk in candidates:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update(skip_locked=True).filter(pk=pk, status="resolved").first()
            if ticket is None:  # another worker has it, or it changed meanwhile
                continue
            ends = closes_at(ticket)
            if ends is None or ends > now:
                continue
            days = reopen_days(ticket)
            change_status(ticket, "closed", actor=None, at=now)
            events.record(ticket, "auto_closed", days=days, resolved_at=resolved_at(ticket).isoformat())
            closed.append(pk)
    return closed
