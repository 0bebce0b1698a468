"""Mail the customer when the ticket changes (connected in IntakeConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from meldpunt.intake import batch, outbox
from meldpunt.tickets import signals


@receiver(signals.ticket_created)
def follow_up_new_request(sender, ticket, **kwargs):
    """SPEC §2: after intake the reporter gets a confirmation with the ticket number.

    The worker writes and sends it, after triage's assessment (``after_registration``):
    registering (the API's POST, the portal form) waits for neither. Its task is enqueued
    in the ticket's own transaction, so it exists exactly when the ticket does. An intake
    batch writes its confirmations at once and hands them to one send task
    (:mod:`meldpunt.intake.batch`); triage assesses its requests at once too."""
    if batch.active():
        outbox.queue(ticket, "confirmation")
    else:
        from meldpunt.intake.tasks import after_registration

        after_registration.enqueue(ticket.pk)


@receiver(signals.message_added)
def mail_public_reply(sender, ticket, message, **kwargs):
    if not message.public or message.from_customer:
        return
    kind = "info_request" if ticket.status == "waiting_customer" else "reply"
    outbox.queue(ticket, kind, message=message.body)


@receiver(signals.status_changed)
def mail_status_change(sender, ticket, old, new, **kwargs):
    if new in outbox.NOTIFY_STATUSES:
        outbox.queue(ticket, "status", status=new)
