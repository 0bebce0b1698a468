"""Background jobs of mail intake (django-tasks-db)."""

from django.tasks import task

from meldpunt.intake import imap, outbox
from meldpunt.intake.models import Mailbox


@task()
def poll_mailboxes() -> int:
    """One round over the active mailboxes; returns how many messages were fetched."""
    return sum(imap.poll(mailbox).fetched for mailbox in Mailbox.objects.filter(active=True))


@task()
def send_pending_mail() -> int:
    return outbox.send_pending()


@task()
def send_confirmation(ticket_id: int) -> bool:
    """Write a new request's confirmation to the outbox and send it (see receivers)."""
    return outbox.confirm(ticket_id)


@task()
def send_outbound_mail(mail_id: int) -> bool:
    """Send one outbox mail (enqueued after the commit that wrote it)."""
    return outbox.send(mail_id)


@task()
def send_outbound_mails(mail_ids: list[int]) -> int:
    """Send the confirmations of one intake batch (see :mod:`meldpunt.intake.batch`)."""
    return sum(outbox.send(mail_id) for mail_id in mail_ids)
