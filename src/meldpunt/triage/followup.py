"""What the worker does after a request is registered, for every channel: triage's
assessment (completeness and coverage), routing to a team (and round-robin assignment,
:func:`meldpunt.teams.routing.route`), then the confirmation to the reporter, written to
the outbox and sent.

:mod:`meldpunt.tickets.registration` marks each new ticket's follow-up pending
(:class:`~meldpunt.tickets.models.FollowUp`) and enqueues :func:`meldpunt.triage.tasks.follow_up`
in the registration's transaction. The task takes every pending follow-up at hand, in chunks
locked with ``SKIP LOCKED`` (PostgreSQL), so two workers never take the same one and a
batch of mail is confirmed by as many workers as are free. Each chunk is one transaction:
assessments, confirmations and the deletion of the pending rows commit together; the
confirmations are sent after that commit, over one connection to the mail server. A rerun (at-least-once delivery) finds nothing
pending; a request assessed or confirmed already (an agent was quicker, a crash after the
commit) is not assessed or confirmed twice. A failed send stays in the outbox for its retry.
"""

from __future__ import annotations

from django.db import transaction

from meldpunt.intake import outbox, sending
from meldpunt.teams.routing import route
from meldpunt.tickets.registration import CHUNK
from meldpunt.triage import pending
from meldpunt.triage.services import assess_new


def follow_up_pending(limit: int = CHUNK) -> int:
    """Do every pending follow-up, ``limit`` at a time; returns how many were done."""
    done = 0
    while True:
        with transaction.atomic():
            ids = pending.lock_pending(limit)
            if not ids:
                return done
            mails = _follow_up(ids)
            pending.done(ids)
        # after the commit, over one connection: a failed send stays in the outbox for the retry job
        sending.send_many([mail.pk for mail in mails])
        done += len(ids)
        if len(ids) < limit:
            return done


def _follow_up(ids: list[int]) -> list:
    """Assess, then confirm, the tickets ``ids`` (their follow-ups are locked by the caller).

    The ticket rows are locked too, so an agent's triage action on the same request (which
    may assess it first) takes turns with this."""
    # clocks: the confirmations' deadlines; the agreements' add-ons: their terms (assess_new) and
    # the contact lines of the confirmations, read once for the chunk
    tickets = pending.locked_tickets(ids)
    assessed = pending.assessed(ids)
    assess_new([ticket for ticket in tickets if ticket.pk not in assessed])  # each agreement's terms once
    route(tickets)  # only tickets without a team: a rerun routes nothing twice
    return outbox.confirmations(tickets)
