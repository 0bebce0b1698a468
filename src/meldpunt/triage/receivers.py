"""Triage listens to the ticket signals: assess new requests, notice answers, and take a
customer's "approve"/"decline" reply by mail to a sent proposal (seed 002)."""

from __future__ import annotations

import re

from meldpunt.tickets import signals

APPROVE = re.compile(r"^\s*(approve|approved|akkoord|goedgekeurd|ja,? akkoord)\b", re.IGNORECASE)
DECLINE = re.compile(r"^\s*(decline|declined|afwijzen|afgewezen|niet akkoord)\b", re.IGNORECASE)


def on_created(sender, ticket, **kwargs):
    """A mail intake batch assesses its requests with their registration (one transaction
    for the batch); any other registration leaves it to the worker (:func:`on_registered`),
    and whoever reads the assessment first makes it if the worker has not yet."""
    from meldpunt.intake import batch
    from meldpunt.triage.services import assess

    if batch.active():
        assess(ticket, new=True)


def on_registered(sender, ticket, **kwargs):
    from meldpunt.triage.services import assessment_for

    assessment_for(ticket)


def on_status(sender, ticket, old, new, **kwargs):
    from meldpunt.triage.services import customer_answered

    if old == "waiting_customer" and new == "new":
        customer_answered(ticket)


def on_message(sender, ticket, message, **kwargs):
    """A customer's reply whose first word is approve/akkoord or decline/afwijzen decides
    the proposal that was sent to them (the mail says so)."""
    if not message.from_customer or not message.public:
        return
    from meldpunt.triage.models import Proposal
    from meldpunt.triage.services import TriageError, decide_proposal

    approve, decline = APPROVE.match(message.body), DECLINE.match(message.body)
    if not (approve or decline):
        return
    proposal = Proposal.objects.filter(ticket=ticket, state="sent").order_by("-id").first()
    if proposal is None:
        return
    try:
        decide_proposal(proposal, approve=bool(approve), by=message.author, note=message.body[:500],
                        channel=message.channel)
    except TriageError:  # expired meanwhile: the reply stays in the thread for an agent
        pass


def connect() -> None:
    signals.ticket_created.connect(on_created, dispatch_uid="triage-assess")
    signals.ticket_registered.connect(on_registered, dispatch_uid="triage-assess-later")
    signals.status_changed.connect(on_status, dispatch_uid="triage-answered")
    signals.message_added.connect(on_message, dispatch_uid="triage-proposal-reply")
