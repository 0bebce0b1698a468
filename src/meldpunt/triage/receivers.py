"""Triage listens to the ticket signals: notice answers, and take a customer's
"approve"/"decline" reply by mail to a sent proposal (seed 002). A new request's
assessment is not a listener's business: the follow-up of registration does it
(:mod:`meldpunt.triage.followup`)."""

from __future__ import annotations

from meldpunt.contracts.selectors import contact_of
from meldpunt.tickets import events, signals
from meldpunt.tickets.selectors import contact_sees
from meldpunt.triage.details import fill_from_answer
from meldpunt.triage.models import Proposal
from meldpunt.triage.replies import decision_in
from meldpunt.triage.services import TriageError, customer_answered, decide_proposal


def on_status(sender, ticket, old, new, **kwargs):
    if old == "waiting_customer" and new == "new":
        customer_answered(ticket)


def on_message(sender, ticket, message, contact=None, **kwargs):
    """A customer's public reply fills the details it gives as a labelled form that the
    request lacks (:mod:`meldpunt.triage.details`). A customer's reply that clearly says approve/akkoord or decline/afwijzen
    (:func:`meldpunt.triage.replies.decision_in`) decides the proposal that was sent to
    them, when it comes from someone who may decide: a contact who sees the request (the
    rule of the portal's approve button). Anyone else's reply stays in the thread and
    the event log says why it decided nothing."""
    if not message.from_customer or not message.public:
        return
    fill_from_answer(ticket, message.body, actor=message.author)
    approve = decision_in(message.body)
    if approve is None:
        return
    proposal = Proposal.objects.filter(ticket=ticket, state="sent").order_by("-id").first()
    if proposal is None:
        return
    if contact is None and message.author_id is not None:
        contact = contact_of(message.author)
    if contact is None or not contact_sees(contact, ticket):
        who = str(contact) if contact else (message.author.get_username() if message.author_id else ticket.reporter_email)
        events.record(ticket, "proposal_reply_ignored", actor=message.author, proposal=proposal.pk,
                      decision="approve" if approve else "decline", message=message.pk, channel=message.channel,
                      by=who, reason="may not decide on this request")
        return
    try:
        decide_proposal(proposal, approve=approve, by=message.author, contact=contact, note=message.body[:500],
                        channel=message.channel)
    except TriageError:  # expired meanwhile: the reply stays in the thread for an agent
        pass


def connect() -> None:
    signals.status_changed.connect(on_status, dispatch_uid="triage-answered")
    signals.message_added.connect(on_message, dispatch_uid="triage-proposal-reply")
