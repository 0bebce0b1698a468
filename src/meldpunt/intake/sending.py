"""Sending outbox mail: the one send, the one send task and the one retry.

:mod:`meldpunt.intake.outbox` writes every mail Meldpunt sends to the outbox
(:class:`~meldpunt.intake.models.OutboundMail`); this module sends the rows. After a commit
``send_outbound_mails`` (a task, so no request waits on SMTP) sends the rows named;
:func:`send_pending` is the scheduler's retry of whatever has not gone out. Mails are sent
under their row locks (:func:`send_many`: one locking statement, one connection to the
mail server, the threads (In-Reply-To, References) looked up in two queries and the
outcomes written in one update, for all the mails of a call: the confirmations of a
follow-up chunk, an intake batch, a retry round), so each goes out once even with several
workers, and a failure stays on its row (``attempts``, ``last_error``) for the retry.

This module imports neither the outbox nor intake's batch scope: both enqueue the task
here (no import cycle inside intake).
"""

from __future__ import annotations

from collections import defaultdict
from email.message import MIMEPart

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, mailers
from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

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


def _threads(rows: list[OutboundMail]) -> dict[int, tuple[str, str]]:
    """In-Reply-To and References of every unthreaded ticket mail among ``rows``: each
    ticket's inbound keys and its earlier outbound ids, oldest first.

    One plain SELECT for all (:mod:`meldpunt.plain_sql`: every follow-up chunk runs it, and
    compiling the two querysets it replaces cost more CPU than the rest of the lookup)."""
    rows = [row for row in rows if row.ticket_id and not row.references]
    if not rows:
        return {}
    tickets = sorted({row.ticket_id for row in rows})
    q = connection.ops.quote_name
    out, inb = OutboundMail._meta, InboundMail._meta

    def col(meta, name: str) -> str:
        return q(meta.get_field(name).column)

    among = ", ".join(["%s"] * len(tickets))
    sql = (f"SELECT 0, {col(out, 'ticket')}, {col(out, 'id')}, {col(out, 'message_id')}, NULL FROM {q(out.db_table)} "
           f"WHERE {col(out, 'ticket')} IN ({among}) AND {col(out, 'id')} < %s "
           f"UNION ALL SELECT 1, {col(inb, 'ticket')}, {col(inb, 'id')}, {col(inb, 'key')}, {col(inb, 'received_at')} "
           f"FROM {q(inb.db_table)} WHERE {col(inb, 'ticket')} IN ({among}) AND {col(inb, 'key')} LIKE %s "
           f"ORDER BY 1, 5, 3")  # outbound by id; inbound by received_at, id
    outbound: dict[int, list[tuple[int, str]]] = defaultdict(list)
    inbound: dict[int, list[str]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*tickets, max(row.pk for row in rows), *tickets, "<%"])
        for kind, ticket_id, pk, text, _received in cursor.fetchall():
            if kind == 0:
                outbound[ticket_id].append((pk, text))
            else:
                inbound[ticket_id].append(text)
    return {row.pk: _chain(inbound[row.ticket_id], [m for before, m in outbound[row.ticket_id] if before < row.pk])
            for row in rows}


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


def _email(mail: OutboundMail, thread: tuple[str, str] | None) -> EmailMessage:
    """The message for the outbox row ``mail``; a ticket mail not threaded yet is threaded
    now (``thread``: its In-Reply-To and References; the cause is committed)."""
    if thread is not None:
        mail.in_reply_to, mail.references = thread
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
    return email


def _record(rows: list[OutboundMail]) -> None:
    """Write the outcome of the send attempts on ``rows`` (locked by the caller): one UPDATE
    per distinct outcome (sent or its error, and thread), so usually one for all."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for row in rows:
        groups[(row.sent_at, row.last_error, row.in_reply_to, row.references)].append(row.pk)
    ops, meta = connection.ops, OutboundMail._meta
    col = {name: ops.quote_name(meta.get_field(name).column)
           for name in ("id", "attempts", "sent_at", "last_error", "in_reply_to", "references")}
    with connection.cursor() as cursor:  # plain SQL: the UPDATE queryset cost more to compile than to run
        for (sent_at, last_error, in_reply_to, references), ids in groups.items():
            cursor.execute(f"UPDATE {ops.quote_name(meta.db_table)} SET {col['attempts']} = {col['attempts']} + 1, "
                           f"{col['sent_at']} = %s, {col['last_error']} = %s, {col['in_reply_to']} = %s, "
                           f"{col['references']} = %s WHERE {col['id']} IN ({', '.join(['%s'] * len(ids))})",
                           [ops.adapt_datetimefield_value(sent_at), last_error, in_reply_to, references, *ids])


def send(mail_id: int) -> bool:
    """Send one outbox mail if not sent yet (:func:`send_many` of one); True when it went out."""
    return send_many([mail_id]) == 1


def send_many(mail_ids: list[int]) -> int:
    """Send the outbox mails ``mail_ids`` that are not sent yet; returns how many went out.

    One transaction for all: the rows are locked in one statement (``SKIP LOCKED``: a row
    another worker holds is being sent by it), their threads looked up together, the mails
    sent over one connection to the mail server and the outcomes written before the commit,
    one UPDATE per outcome (usually one for all: sent, at the same time). A mail goes out once however many workers send;
    a failed one keeps its error on its row for :func:`send_pending`. Should the process die
    between the mail server's answer and the commit, the mails of this call go out again on
    the retry (at least once, never lost)."""
    mail_ids = sorted(set(mail_ids))
    if not mail_ids:
        return 0
    failure: Exception | None = None
    with transaction.atomic():
        rows = list(OutboundMail.objects.select_for_update(skip_locked=True)
                    .filter(pk__in=mail_ids, sent_at__isnull=True).order_by("pk"))
        if not rows:
            return 0
        threads = _threads(rows)
        mailer = mailers.default
        try:
            mailer.open()
        except Exception:  # noqa: BLE001 - the server is down: each mail tries again and keeps its error on its row
            mailer.close()
        tried: list[OutboundMail] = []
        at = timezone.now()  # one time for the call's mails: they went out together
        try:
            for row in rows:
                try:
                    email = _email(row, threads.get(row.pk))
                except Exception as exc:  # noqa: BLE001 - a mail that cannot be built: the ones sent stay sent
                    failure = exc
                    break
                deliver(row, email, mailer=mailer, save=False, at=at)
                tried.append(row)
        finally:
            mailer.close()
        _record(tried)
    if failure is not None:
        raise failure
    return sum(1 for row in tried if row.sent_at is not None)


#: What a mail says of thread files it could not carry (the sum passed the limit).
NOT_ATTACHED = gettext_lazy("Not attached (too large for mail; see the portal): %(names)s")
#: The same for a recipient without a portal account (a follower known by address only).
NOT_ATTACHED_BY_MAIL = gettext_lazy("Not attached (too large for mail; reply to this mail if you need them): %(names)s")


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
        with translation.override(mail.language or "en"):  # the recipient's, as the mail
            note = str(texts) % {"names": ", ".join(left_out)}
        email.body = f"{email.body.rstrip()}\n\n{note}\n"


def deliver(row, email: EmailMessage, also: tuple[str, ...] = (), mailer=None, save: bool = True, at=None) -> bool:
    """Send ``email`` for an outbox ``row`` (an :class:`OutboundMail`;
    the caller holds its row lock). A failure stays on the row for the next retry.
    ``mailer``: a connection shared by several mails (else one of its own); ``save=False``:
    the caller writes the row (:func:`send_many`, one update for all); ``at``: the time
    recorded as sent (default now).

    The headers are made safe once more here, so a row written before the sanitizer (or by
    hand) still goes out instead of failing on every retry."""
    row.attempts += 1
    email.subject = header_text(email.subject)
    email.extra_headers = {name: header_text(value, limit=None) for name, value in email.extra_headers.items()}
    try:
        (mailer or mailers.default).send_messages([email])
    except Exception as exc:  # SMTP down, refused…: keep it in the outbox for a retry
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if save:
            row.save(update_fields=["attempts", "last_error", *also])
        if mailer is not None:  # the shared connection may be broken: the next mail opens a new one
            try:
                mailer.close()
            except Exception:  # noqa: BLE001, S110 - closing a dead connection
                pass
        return False
    row.sent_at = at or timezone.now()
    row.last_error = ""
    if save:
        row.save(update_fields=["attempts", "last_error", "sent_at", *also])
    return True


def send_pending(limit: int = 500) -> int:
    """Retry outbox mail that has not gone out yet; returns how many were sent."""
    ids = list(OutboundMail.objects.filter(sent_at__isnull=True, attempts__lt=20).order_by("id").values_list("pk", flat=True)[:limit])
    return send_many(ids)
