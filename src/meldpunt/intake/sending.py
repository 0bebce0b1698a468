"""Sending outbox mail: the one send, the one send task and the one retry.

:mod:`meldpunt.intake.outbox` writes every mail Meldpunt sends to the outbox
(:class:`~meldpunt.intake.models.OutboundMail`); this module sends the rows. After a commit
``send_outbound_mails`` (a task, so no request waits on SMTP) sends the rows named;
:func:`send_pending` is the scheduler's retry of whatever has not gone out. Each mail is sent
under its row lock in its own transaction, so it goes out once even with several workers,
and a failure stays on its row (``attempts``, ``last_error``) for the retry.

Several mails at once (:func:`send_many`: the confirmations of a follow-up chunk, an intake
batch, a retry round) share one connection to the mail server and look up their threads
(In-Reply-To, References) in three queries for all. This module imports neither the outbox
nor intake's batch scope: both enqueue the task here (no import cycle inside intake).
"""

from __future__ import annotations

from collections import defaultdict
from email.message import MIMEPart

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from meldpunt.core.mailheaders import header_text
from meldpunt.intake import attachments
from meldpunt.intake.models import Attachment, InboundMail, OutboundMail
from meldpunt.intake.portal_access import address_sees_in_portal
from meldpunt.tickets.models import Message


@task()
def send_outbound_mails(mail_ids: list[int]) -> int:
    """Send outbox mail once the commit that wrote it is done: the one send task for every
    kind (one mail, an intake batch's confirmations, a scan's staff alerts)."""
    return send_many(mail_ids)


def send_later(mail_ids: list[int]) -> None:
    """Hand the send to the task worker: no caller waits on SMTP (the outbox keeps it)."""
    send_outbound_mails.enqueue(mail_ids)


def send_after_commit(mails: list[OutboundMail | None]) -> None:
    """Send ``mails`` in one task once the caller's transaction commits (nothing when it
    rolls back). Until the worker sends them they wait in the outbox, retried by the
    scheduler's ``mail-send`` job, so a crash in between loses nothing."""
    ids = [mail.pk for mail in mails if mail is not None]
    if ids:
        transaction.on_commit(lambda: send_later(ids))


def _chain(inbound: list[str], ids: list[str]) -> tuple[str, str]:
    """In-Reply-To and References from a ticket's inbound keys and earlier outbound ids."""
    chain = (inbound[:1] + ids + inbound[1:])[-20:]
    last = inbound[-1] if inbound else (ids[-1] if ids else "")
    return last, " ".join(chain)


def _thread(ticket_id: int, before: OutboundMail) -> tuple[str, str]:
    """In-Reply-To and References for ``before``: the ticket's mail up to it, oldest first."""
    ids = list(
        OutboundMail.objects.filter(ticket_id=ticket_id, id__lt=before.pk).order_by("id").values_list("message_id", flat=True)
    )
    inbound = list(
        InboundMail.objects.filter(ticket_id=ticket_id, key__startswith="<").order_by("received_at", "id").values_list("key", flat=True)
    )
    return _chain(inbound, ids)


def _threads(mail_ids: list[int]) -> dict[int, tuple[str, str]]:
    """:func:`_thread` of every unthreaded ticket mail among ``mail_ids``, in three queries."""
    rows = list(OutboundMail.objects.filter(pk__in=mail_ids, ticket__isnull=False, references="", sent_at__isnull=True)
                .values_list("pk", "ticket_id"))
    if not rows:
        return {}
    tickets = {ticket_id for _pk, ticket_id in rows}
    outbound: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, ticket_id, message_id in (OutboundMail.objects.filter(ticket_id__in=tickets, id__lt=max(pk for pk, _t in rows))
                                      .order_by("id").values_list("pk", "ticket_id", "message_id")):
        outbound[ticket_id].append((pk, message_id))
    inbound: dict[int, list[str]] = defaultdict(list)
    for ticket_id, key in (InboundMail.objects.filter(ticket_id__in=tickets, key__startswith="<")
                           .order_by("received_at", "id").values_list("ticket_id", "key")):
        inbound[ticket_id].append(key)
    return {pk: _chain(inbound[ticket_id], [m for before, m in outbound[ticket_id] if before < pk]) for pk, ticket_id in rows}


def _attach(email: EmailMessage, name: str, data: bytes, content_type: str) -> None:
    """Attach one file; a text type keeps its parameters (an invite's ``method=REQUEST``,
    which calendar programs read from the part's Content-Type)."""
    mimetype, *params = [piece.strip() for piece in (content_type or "application/octet-stream").split(";")]
    maintype, _, subtype = mimetype.partition("/")
    if maintype != "text":
        email.attach(name, data, mimetype)
        return
    part = MIMEPart()
    part.set_content(data.decode("utf-8"), subtype=subtype or "plain", charset="utf-8",
                     params=dict(p.split("=", 1) for p in params if "=" in p), disposition="attachment", filename=name)
    email.attach(part)


def send(mail_id: int, *, mailer=None, thread: tuple[str, str] | None = None) -> bool:
    """Send one outbox mail if not sent yet; True when it went out. ``mailer``: an open
    connection to share (:func:`send_many`); ``thread``: its In-Reply-To and References
    when looked up already."""
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update().filter(pk=mail_id, sent_at__isnull=True).first()
        if mail is None:
            return False
        if mail.ticket_id and not mail.references:  # threaded at send time: the cause is committed
            mail.in_reply_to, mail.references = thread if thread is not None else _thread(mail.ticket_id, mail)
        headers = {"Message-ID": mail.message_id}
        if mail.in_reply_to:
            headers["In-Reply-To"] = mail.in_reply_to
        if mail.references:
            headers["References"] = mail.references
        if mail.kind in ("confirmation", "status"):  # RFC 3834: auto-responders must not answer these
            headers["Auto-Submitted"] = "auto-replied"
        elif mail.ticket_id is None:  # idea, release, report, booking and staff mail: no person wrote it
            headers["Auto-Submitted"] = "auto-generated"
        email = EmailMessage(mail.subject, mail.body, mail.from_address, [mail.to], headers=headers)
        if mail.attachment_name:
            _attach(email, mail.attachment_name, bytes(mail.attachment), mail.attachment_type)
        _attach_message_files(email, mail)
        return deliver(mail, email, also=("in_reply_to", "references"), mailer=mailer)


def send_many(mail_ids: list[int]) -> int:
    """Send the outbox mails ``mail_ids`` (each as :func:`send`: once, under its row lock, in
    its own transaction) over one connection to the mail server, their threads looked up
    together; returns how many went out."""
    mail_ids = list(mail_ids)
    if len(mail_ids) == 1:
        return int(send(mail_ids[0]))
    if not mail_ids:
        return 0
    threads = _threads(mail_ids)
    mailer = mailers.default
    try:
        mailer.open()
    except Exception:  # noqa: BLE001 - the server is down: each send tries again and keeps its error on its row
        mailer.close()
    try:
        return sum(send(pk, mailer=mailer, thread=threads.get(pk)) for pk in mail_ids)
    finally:
        mailer.close()


#: What a mail says of thread files it could not carry (the sum passed the limit).
NOT_ATTACHED = {"en": "Not attached (too large for mail; see the portal): {names}",
                "nl": "Niet bijgevoegd (te groot voor e-mail; zie het portaal): {names}"}
#: The same for a recipient without a portal account (a follower known by address only).
NOT_ATTACHED_BY_MAIL = {"en": "Not attached (too large for mail; reply to this mail if you need them): {names}",
                        "nl": "Niet bijgevoegd (te groot voor e-mail; antwoord op deze mail als u ze nodig hebt): "
                              "{names}"}


def _attach_message_files(email: EmailMessage, mail: OutboundMail) -> None:
    """The files of the thread message a reply mail is ``about``, as far as
    ``MELDPUNT_MAIL_ATTACHMENT_BYTES`` allows in all; the others are named in the body."""
    if mail.about_id is None or mail.about_type_id != ContentType.objects.get_for_model(Message).pk:
        return
    room = settings.MELDPUNT_MAIL_ATTACHMENT_BYTES
    left_out = []
    for found in Attachment.objects.filter(message_id=mail.about_id, too_large=False).exclude(file="").order_by("id"):
        if found.size > room:
            left_out.append(found.filename)
            continue
        try:
            data = attachments.content(found)
        except FileNotFoundError:
            left_out.append(found.filename)
            continue
        room -= found.size
        email.attach(found.filename, data, attachments.download_content_type(found.content_type))
    if left_out:
        texts = NOT_ATTACHED if address_sees_in_portal(mail.ticket if mail.ticket_id else None, mail.to) \
            else NOT_ATTACHED_BY_MAIL
        note = texts.get(mail.language, texts["en"]).format(names=", ".join(left_out))
        email.body = f"{email.body.rstrip()}\n\n{note}\n"


def deliver(row, email: EmailMessage, also: tuple[str, ...] = (), mailer=None) -> bool:
    """Send ``email`` for an outbox ``row`` (an :class:`OutboundMail`;
    the caller holds its row lock). A failure stays on the row for the next retry.
    ``mailer``: a connection shared by several mails (else one of its own).

    The headers are made safe once more here, so a row written before the sanitizer (or by
    hand) still goes out instead of failing on every retry."""
    row.attempts += 1
    email.subject = header_text(email.subject)
    email.extra_headers = {name: header_text(value, limit=None) for name, value in email.extra_headers.items()}
    try:
        (mailer or mailers.default).send_messages([email])
    except Exception as exc:  # SMTP down, refused…: keep it in the outbox for a retry
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        row.save(update_fields=["attempts", "last_error", *also])
        if mailer is not None:  # the shared connection may be broken: the next mail opens a new one
            try:
                mailer.close()
            except Exception:  # noqa: BLE001, S110 - closing a dead connection
                pass
        return False
    row.sent_at = timezone.now()
    row.last_error = ""
    row.save(update_fields=["attempts", "last_error", "sent_at", *also])
    return True


def send_pending(limit: int = 500) -> int:
    """Retry outbox mail that has not gone out yet; returns how many were sent."""
    ids = list(OutboundMail.objects.filter(sent_at__isnull=True, attempts__lt=20).order_by("id").values_list("pk", flat=True)[:limit])
    return send_many(ids)
