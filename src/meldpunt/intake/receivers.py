"""Mail the customer when the ticket changes (connected in IntakeConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from meldpunt.intake import outbox
from meldpunt.tickets import signals


@receiver(signals.ticket_created)
def confirm_new_request(sender, ticket, **kwargs):
    """SPEC §2: after intake the reporter gets a confirmation with the ticket number."""
    outbox.queue(ticket, "confirmation")


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
