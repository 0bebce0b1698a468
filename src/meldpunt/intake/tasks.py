"""Background jobs of mail intake (django-tasks-db)."""

from django.db import transaction
from django.tasks import task

from meldpunt.intake import imap, outbox
from meldpunt.intake.models import Mailbox
from meldpunt.tickets import signals
from meldpunt.tickets.models import Ticket


@task()
def poll_mailboxes() -> int:
    """One round over the active mailboxes; returns how many messages were fetched."""
    return sum(imap.poll(mailbox).fetched for mailbox in Mailbox.objects.filter(active=True))


@task()
def send_pending_mail() -> int:
    """The one retry job (scheduler ``mail-send``): every kind of outbox mail not sent yet."""
    return outbox.send_pending()


@task()
def after_registration(ticket_id: int) -> bool:
    """A registered request's follow-up, done by the worker so the caller does not wait (see
    receivers): what listens to ``ticket_registered`` (triage assesses the request), then the
    confirmation to the reporter, written once and sent. One transaction with the ticket's row
    locked, so two runs of the task take turns; a rerun finds both done."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related(
            "contact", "agreement__catalog").filter(pk=ticket_id).first()
        if ticket is None:
            return False
        signals.ticket_registered.send(Ticket, ticket=ticket)
        mail = outbox.confirmation(ticket)
    return mail is not None and outbox.send(mail.pk)


@task()
def send_outbound_mails(mail_ids: list[int]) -> int:
    """Send outbox mail once the commit that wrote it is done: the one send task for every
    kind (one mail, an intake batch's confirmations, a scan's staff alerts)."""
    return sum(outbox.send(mail_id) for mail_id in mail_ids)
