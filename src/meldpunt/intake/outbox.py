"""The one outbox: every mail Meldpunt sends, and the one way it goes out.

Every mail is first written to the outbox (:class:`OutboundMail`) in the transaction that
caused it; after the commit one task (``send_outbound_mails``) sends it through Django's
mailers on the worker — never ``on_commit`` itself, which only enqueues. A failed send stays
in the outbox and the scheduler's one retry job (``mail-send`` → :func:`send_pending`)
sends it, so a crash or an SMTP hiccup loses nothing and each mail goes out once (the
row lock in :func:`send`).

Mail to a customer about a ticket (:func:`queue`) is threaded (Message-ID, In-Reply-To,
References) and written in the customer's language from templates the vendor can edit
(:class:`MailTemplate`), else the built-in ones. Every other mail — an idea's status, a
critical fix, an evaluation report, booking mail with its invite, alerts to staff — is
written by its own app with :func:`queue_message`. Every header text is made safe
(:mod:`meldpunt.core.mailheaders`) before the row is written and again in :func:`deliver`,
so no subject can make a mail unsendable.
"""

from __future__ import annotations

import secrets
import time
from email.message import MIMEPart
from functools import lru_cache

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.dispatch import Signal
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from meldpunt.contracts.models import Contact
from meldpunt.core.mailheaders import header_address, header_text
from meldpunt.core.vocabulary import supported_language
from meldpunt.intake import attachments, batch, flood
from meldpunt.intake.contact_points import contact_lines
from meldpunt.intake.models import Attachment, InboundMail, Mailbox, MailTemplate, OutboundMail
from meldpunt.tickets.models import Message, Ticket
from meldpunt.tickets.selectors import contact_sees
from meldpunt.tickets.wording import deadline_sentences, priority_line

STATUS_WORDS = {
    "en": {"new": "new", "approved": "accepted", "in_progress": "in progress",
           "waiting_customer": "waiting on you", "resolved": "resolved", "closed": "closed"},
    "nl": {"new": "nieuw", "approved": "geaccepteerd", "in_progress": "in behandeling",
           "waiting_customer": "wacht op u", "resolved": "opgelost", "closed": "gesloten"},
}
#: Status changes the customer hears of by mail (waiting_customer sends an info request).
NOTIFY_STATUSES = ("approved", "resolved", "closed")
#: Sent while a mail about a ticket is written (:func:`queue`), so an app above intake can
#: add a paragraph in the mail's language (the rating links under a resolution mail,
#: :mod:`meldpunt.satisfaction`) without intake knowing it. kwargs: ticket, kind, status,
#: recipient (a Contact or None), language. A receiver returns the text to add, or "".
composing = Signal()


def new_message_id(tag: str, domain: str) -> str:
    """A unique Message-ID from OS randomness (``email.utils.make_msgid`` draws on the global
    ``random``, which a test framework may reseed)."""
    return f"<{int(time.time())}.{secrets.token_hex(8)}.{tag}@{domain or 'meldpunt.test'}>"


def from_address(vendor: str) -> str:
    """The vendor's reply address (its active mailbox), else ``MELDPUNT_MAIL_FROM``."""
    def lookup() -> str:
        box = Mailbox.objects.filter(active=True, vendor=vendor).only("reply_address").first() if vendor else None
        return box.reply_address if box else getattr(settings, "MELDPUNT_MAIL_FROM", "support@meldpunt.test")

    return batch.memo(("from", vendor), lookup)


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """Templates compiled once per text (a vendor's edit is a new text, so a new entry)."""
    return Template("{% autoescape off %}" + source + "{% endautoescape %}")


def _render(kind: str, language: str, vendor: str, context: dict) -> tuple[str, str]:
    rows = batch.memo(("templates", kind, language, vendor), lambda: {
        row.vendor: row
        for row in MailTemplate.objects.filter(kind=kind, language=language, vendor__in=[vendor, ""])
    })
    row = rows.get(vendor) or rows.get("")
    if row is not None:
        subject = _compiled(row.subject).render(Context(context))
        body = _compiled(row.body).render(Context(context))
    else:
        # The file's first line is the subject: rendered apart from the body, so a value
        # with a line break (a ticket's subject) cannot push part of itself into the body.
        head, _, rest = get_template(f"intake/mail/{kind}_{language}.txt").template.source.partition("\n")
        subject, body = _compiled(head).render(Context(context)), _compiled(rest).render(Context(context))
    return header_text(subject), body.strip() + "\n"


def _thread(ticket_id: int, before: OutboundMail) -> tuple[str, str]:
    """In-Reply-To and References for ``before``: the ticket's mail up to it, oldest first."""
    ids = list(
        OutboundMail.objects.filter(ticket_id=ticket_id, id__lt=before.pk).order_by("id").values_list("message_id", flat=True)
    )
    inbound = list(
        InboundMail.objects.filter(ticket_id=ticket_id, key__startswith="<").order_by("received_at", "id").values_list("key", flat=True)
    )
    chain = (inbound[:1] + ids + inbound[1:])[-20:]
    last = inbound[-1] if inbound else (ids[-1] if ids else "")
    return last, " ".join(chain)


def customer_language(ticket: Ticket, recipient=None) -> str:
    """The language of mail about ``ticket``: the recipient's (by default the ticket's
    contact), else the ticket's own; Dutch or English."""
    person = recipient or (ticket.contact if ticket.contact_id else None)
    return supported_language(person.language if person else ticket.language)


def confirmations(tickets: list[Ticket]) -> list[OutboundMail]:
    """The confirmations of registered requests (SPEC §2: the reporter gets the ticket
    number), each written once: the caller holds the tickets' follow-ups locked, so a rerun
    finds the ones written before (and returns those not sent yet). The caller sends them
    after its commit (:func:`send`); a failed send stays in the outbox for
    :func:`send_pending`. Templates and reply addresses are looked up once for all."""
    written = {mail.ticket_id: mail for mail in OutboundMail.objects.filter(
        ticket__in=tickets, kind="confirmation").only("id", "ticket_id", "sent_at")}
    mails = []
    with batch.scope():
        for ticket in tickets:
            mail = written.get(ticket.pk) or queue(ticket, "confirmation", later=False)
            if mail is not None and mail.sent_at is None:
                mails.append(mail)
    return mails


def sees_in_portal(ticket: Ticket, person) -> bool:
    """Whether the mail's recipient can follow ``ticket`` in the portal: a contact with an
    active login who sees it there. A follower without an account (an address only) never,
    so their mail says how to answer by mail and never points at the portal."""
    user_id = getattr(person, "user_id", None)
    if not isinstance(person, Contact) or user_id is None or not person.user.is_active:
        return False
    return contact_sees(person, ticket)


def portal_link(ticket: Ticket, person) -> str:
    """The request's portal address for someone who :func:`sees_in_portal`, else ''."""
    site = getattr(settings, "MELDPUNT_SITE_URL", "")
    if not site or not sees_in_portal(ticket, person):
        return ""
    return f"{site}{reverse('portal:request', args=[ticket.pk])}"


def confirmation_facts(ticket: Ticket, person, language: str) -> dict:
    """What a confirmation tells beyond the number: the priority, the deadlines in words, and
    where to follow the request — the portal for someone with a login, else replying by mail."""
    account = person is not None and person.user_id is not None
    site = getattr(settings, "MELDPUNT_SITE_URL", "")
    return {
        "priority": priority_line(ticket, language),
        "deadlines": deadline_sentences(ticket, language),
        "account": account,
        "link": f"{site}{reverse('portal:request', args=[ticket.pk])}" if account and site else "",
        # the vendor's numbers and addresses for this kind of request (catalog [[contacts]])
        "contacts": contact_lines(ticket.agreement, language, ticket.kind) if ticket.agreement_id else [],
    }


def queue(ticket: Ticket, kind: str, *, message: str = "", status: str = "", recipient=None,
          later: bool = True, files_of: Message | None = None) -> OutboundMail | None:
    """Write a mail about ``ticket`` to the outbox; it is sent by a task after the commit.

    It goes to the reporter, or to ``recipient`` (a Contact, or a follower: anything with
    ``email``, ``name`` and ``language``) when given — seed 001: licence keys go only to the
    organisation's coordinator. ``later=False``: the caller sends it. ``files_of``: the thread
    message whose files go with the mail (read when it is sent, so files stored later in the
    same transaction go too).
    """
    person = recipient or (ticket.contact if ticket.contact_id else None)
    to = header_address(person.email if person else ticket.reporter_email)
    if not to:  # none, or not one plain address: nothing could ever deliver it
        return None
    if kind == "confirmation" and person is None:  # a stranger's address: limited (intake.flood)
        refused = flood.confirmation_refused(to)
        if refused:
            flood.withhold(ticket, to, refused)
            return None
    language = customer_language(ticket, person)
    vendor = ticket.agreement.catalog.vendor if ticket.agreement_id else ""
    vendor_name = ticket.agreement.catalog.name if ticket.agreement_id else "Meldpunt"
    context = {
        "ticket": ticket, "number": ticket.pk, "message": message,
        # a confirmation never quotes the sender's subject back at length (intake.flood)
        "subject": Truncator(ticket.subject).chars(80) if kind == "confirmation" else ticket.subject,
        "name": person.name if person else ticket.reporter_name, "contact": person,
        "status": STATUS_WORDS[language].get(status, status), "vendor": vendor_name,
    }
    if kind == "confirmation":
        context.update(confirmation_facts(ticket, person, language))
    else:
        context["portal_link"] = portal_link(ticket, person)
    subject, body = _render(kind, language, vendor, context)
    extra = [text.strip() for _receiver, text in composing.send(
        OutboundMail, ticket=ticket, kind=kind, status=status, recipient=person, language=language) if text]
    if extra:
        body = body.rstrip("\n") + "\n\n" + "\n\n".join(extra) + "\n"
    sender = from_address(vendor)
    mail = OutboundMail.objects.create(
        ticket=ticket, kind=kind, message_id=new_message_id(f"t{ticket.pk}", sender.rpartition("@")[2]),
        from_address=sender, to=to,
        subject=subject, body=body, language=language, about=files_of,
    )
    if later:
        transaction.on_commit(lambda: batch.defer_send(mail.pk) or _send_later([mail.pk]))
    return mail


def queue_message(kind: str, *, to: str, subject: str, body: str, language: str = "en", vendor: str = "",
                  attachment: tuple[str, bytes, str] | None = None, about=None, user=None,
                  dedupe_key: str | None = None, sender: str = "", tag: str = "") -> OutboundMail | None:
    """Write a mail that is not a customer's ticket mail to the outbox; the caller's
    transaction is its cause. Send it after the commit with :func:`send_after_commit`; a
    failed send is retried by :func:`send_pending`.

    ``kind`` says what it is (``idea``, ``release``, ``report``, ``booking_…``,
    ``staff_alert``); ``about`` links the row to what it is about (a booking, a
    notification), ``user`` to the member of staff it goes to; ``dedupe_key`` is unique, so
    a second row for the same cause fails instead of mailing twice. ``attachment`` is
    (file name, content, MIME type with parameters). ``sender`` defaults to the vendor's
    reply address. None when ``to`` is not one address.
    """
    to = header_address(to)
    if not to:
        return None
    return OutboundMail.objects.create(**_fields(
        kind, to=to, subject=subject, body=body, language=language, vendor=vendor, attachment=attachment,
        about=about, user=user, dedupe_key=dedupe_key, sender=sender, tag=tag))


def message_row(kind: str, *, to: str, subject: str, body: str, **options) -> OutboundMail | None:
    """:func:`queue_message`'s row unsaved, for callers that write many at once
    (``bulk_create``); None when ``to`` is not one address."""
    to = header_address(to)
    return OutboundMail(**_fields(kind, to=to, subject=subject, body=body, **options)) if to else None


def _fields(kind: str, *, to: str, subject: str, body: str, language: str = "en", vendor: str = "",
            attachment: tuple[str, bytes, str] | None = None, about=None, user=None,
            dedupe_key: str | None = None, sender: str = "", tag: str = "") -> dict:
    sender = header_address(sender) or from_address(vendor)
    name, content, mimetype = attachment or ("", b"", "")
    return {
        "kind": kind, "message_id": new_message_id(tag or kind, sender.rpartition("@")[2]),
        "from_address": sender, "to": to, "subject": header_text(subject), "body": body.strip() + "\n",
        "language": supported_language(language), "attachment_name": header_text(name, limit=200),
        "attachment_type": mimetype, "attachment": content, "about": about, "user": user, "dedupe_key": dedupe_key,
    }


def send_after_commit(mails: list[OutboundMail | None]) -> None:
    """Send ``mails`` in one task once the caller's transaction commits (nothing when it
    rolls back). Until the worker sends them they wait in the outbox, retried by the
    scheduler's ``mail-send`` job, so a crash in between loses nothing."""
    ids = [mail.pk for mail in mails if mail is not None]
    if ids:
        transaction.on_commit(lambda: _send_later(ids))


def _send_later(mail_ids: list[int]) -> None:
    """Hand the send to the task worker: no caller waits on SMTP (the outbox keeps it)."""
    from meldpunt.intake.tasks import send_outbound_mails

    send_outbound_mails.enqueue(mail_ids)


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


def send(mail_id: int) -> bool:
    """Send one outbox mail if not sent yet; True when it went out."""
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update().filter(pk=mail_id, sent_at__isnull=True).first()
        if mail is None:
            return False
        if mail.ticket_id and not mail.references:  # threaded at send time: the cause is committed
            mail.in_reply_to, mail.references = _thread(mail.ticket_id, mail)
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
        return deliver(mail, email, also=("in_reply_to", "references"))


#: What a mail says of thread files it could not carry (the sum passed the limit).
NOT_ATTACHED = {"en": "Not attached (too large for mail; see the portal): {names}",
                "nl": "Niet bijgevoegd (te groot voor e-mail; zie het portaal): {names}"}
#: The same for a recipient without a portal account (a follower known by address only).
NOT_ATTACHED_BY_MAIL = {"en": "Not attached (too large for mail; reply to this mail if you need them): {names}",
                        "nl": "Niet bijgevoegd (te groot voor e-mail; antwoord op deze mail als u ze nodig hebt): "
                              "{names}"}


def _portal_reader(mail: OutboundMail) -> bool:
    """Whether the mail's addressee sees its request in the portal (see :func:`sees_in_portal`)."""
    if mail.ticket_id is None:
        return False
    contact = Contact.objects.with_address(mail.to).select_related("user").first()
    return contact is not None and sees_in_portal(mail.ticket, contact)


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
        texts = NOT_ATTACHED if _portal_reader(mail) else NOT_ATTACHED_BY_MAIL
        note = texts.get(mail.language, texts["en"]).format(names=", ".join(left_out))
        email.body = f"{email.body.rstrip()}\n\n{note}\n"


def deliver(row, email: EmailMessage, also: tuple[str, ...] = ()) -> bool:
    """Send ``email`` for an outbox ``row`` (an :class:`OutboundMail`;
    the caller holds its row lock). A failure stays on the row for the next retry.

    The headers are made safe once more here, so a row written before the sanitizer (or by
    hand) still goes out instead of failing on every retry."""
    row.attempts += 1
    email.subject = header_text(email.subject)
    email.extra_headers = {name: header_text(value, limit=None) for name, value in email.extra_headers.items()}
    try:
        mailers.default.send_messages([email])
    except Exception as exc:  # SMTP down, refused…: keep it in the outbox for a retry
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        row.save(update_fields=["attempts", "last_error", *also])
        return False
    row.sent_at = timezone.now()
    row.last_error = ""
    row.save(update_fields=["attempts", "last_error", "sent_at", *also])
    return True


def send_pending(limit: int = 500) -> int:
    """Retry outbox mail that has not gone out yet; returns how many were sent."""
    ids = list(OutboundMail.objects.filter(sent_at__isnull=True, attempts__lt=20).order_by("id").values_list("pk", flat=True)[:limit])
    return sum(send(pk) for pk in ids)
