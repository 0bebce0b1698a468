"""Background jobs of mail intake (django-tasks-db)."""

from django.db import transaction
from django.tasks import task

from meldpunt.intake import imap, sending
from meldpunt.intake.models import Mailbox

# The send task lives beside the send (no import cycle); its old path still resolves for queued rows.
from meldpunt.intake.sending import send_outbound_mails  # noqa: F401
from meldpunt.tickets import registration
from meldpunt.tickets.models import FollowUp, Ticket


@task()
def poll_mailboxes() -> int:
    """One round over the active mailboxes; returns how many messages were fetched."""
    return sum(imap.poll(mailbox).fetched for mailbox in Mailbox.objects.filter(active=True))


@task()
def send_pending_mail() -> int:
    """The one retry job (scheduler ``mail-send``): every kind of outbox mail not sent yet."""
    return sending.send_pending()


@task()
def after_registration(ticket_id: int) -> bool:
    """Kept for tasks queued before the one registration path (one per request): their
    request becomes a pending follow-up like any other, done by the follow-up task
    (:mod:`meldpunt.tickets.registration`). Nothing enqueues this any more."""
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None or ticket.outbound_mails.filter(kind="confirmation", sent_at__isnull=False).exists():
        return False
    with transaction.atomic():
        FollowUp.objects.get_or_create(ticket=ticket)
        registration.follow_up_task.enqueue()
    return True

