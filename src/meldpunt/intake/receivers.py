"""Mail the customer when the ticket changes (connected in IntakeConfig.ready). The
confirmation of a new request is not sent from here: the follow-up of registration writes
it (:mod:`meldpunt.tickets.registration`)."""

from __future__ import annotations

from django.dispatch import receiver

from meldpunt.intake import followers, outbox
from meldpunt.tickets import signals


@receiver(signals.message_added)
def mail_public_reply(sender, ticket, message, **kwargs):
    if not message.public or message.from_customer:
        return
    kind = "info_request" if ticket.status == "waiting_customer" else "reply"
    outbox.queue(ticket, kind, message=message.body, files_of=message)
    for follower in followers.recipients(ticket):  # Cc and followers: the same reply, in their language
        outbox.queue(ticket, kind, message=message.body, recipient=follower.contact or follower, files_of=message)


@receiver(signals.status_changed)
def mail_status_change(sender, ticket, old, new, **kwargs):
    if new in outbox.NOTIFY_STATUSES:
        outbox.queue(ticket, "status", status=new)
