"""The one outbox: every mail Meldpunt sends, and the one way it goes out.

Every mail is first written to the outbox (:class:`OutboundMail`) in the transaction that
caused it; after the commit one task (``send_outbound_mails``, :mod:`meldpunt.intake.sending`)
sends it through Django's mailers on the worker — never ``on_commit`` itself, which only enqueues. A failed send stays
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
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.text import Truncator

from meldpunt import plain_sql
from meldpunt.core.mailheaders import header_address, header_text
from meldpunt.core.vocabulary import supported_language
from meldpunt.intake import batch, flood
from meldpunt.intake.contact_points import contact_lines
from meldpunt.intake.models import Mailbox, MailTemplate, OutboundMail
from meldpunt.intake.portal_access import sees_in_portal

# The send lives in meldpunt.intake.sending; these names stay here for every app that mails.
from meldpunt.intake.sending import deliver, send, send_after_commit, send_later, send_many, send_pending  # noqa: F401
from meldpunt.links import absolute_url, site_url
from meldpunt.tickets.models import Message, Ticket
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
        found = _rows(f"SELECT {_col(Mailbox, 'reply_address')} FROM {_table(Mailbox)} WHERE {_col(Mailbox, 'active')} = %s "
                      f"AND {_col(Mailbox, 'vendor')} = %s ORDER BY {_col(Mailbox, 'id')} LIMIT 1", [True, vendor]) if vendor else []
        return found[0][0] if found else getattr(settings, "MELDPUNT_MAIL_FROM", "support@meldpunt.test")

    return batch.memo(("from", vendor), lookup)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _rows(sql: str, params: list) -> list[tuple]:
    """A plain SELECT (:mod:`meldpunt.plain_sql`): the reply address and the templates are
    looked up for every follow-up chunk, and compiling their querysets cost more CPU than
    the lookups themselves."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """Templates compiled once per text (a vendor's edit is a new text, so a new entry)."""
    return Template("{% autoescape off %}" + source + "{% endautoescape %}")


def _render(kind: str, language: str, vendor: str, context: dict) -> tuple[str, str]:
    rows = batch.memo(("templates", kind, language, vendor), lambda: {
        row.vendor: row for row in (plain_sql.instance(MailTemplate, found) for found in _rows(
            f"SELECT {plain_sql.columns(MailTemplate, 'm')} FROM {_table(MailTemplate)} m WHERE m.{_col(MailTemplate, 'kind')} = %s "
            f"AND m.{_col(MailTemplate, 'language')} = %s AND m.{_col(MailTemplate, 'vendor')} IN (%s, %s)",
            [kind, language, vendor, ""]))
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
    :func:`send_pending`. Templates and reply addresses are looked up once for all, and the new rows
    are written in one insert."""
    written = {mail.ticket_id: mail for mail in OutboundMail.objects.filter(
        ticket__in=tickets, kind="confirmation").only("id", "ticket_id", "sent_at")}
    mails, new = [], []
    with batch.scope():
        for ticket in tickets:
            mail = written.get(ticket.pk)
            if mail is None and ticket.contact_id is None:
                # a stranger's: the flood limit (intake.flood) counts the rows written before it
                OutboundMail.objects.bulk_create(new)
                new = []
                mail = queue(ticket, "confirmation", later=False)
            elif mail is None:
                mail = compose(ticket, "confirmation")
                if mail is not None:
                    new.append(mail)
            if mail is not None and mail.sent_at is None:
                mails.append(mail)
    OutboundMail.objects.bulk_create(new)  # one insert for the chunk; the rows get their ids
    return mails


def portal_link(ticket: Ticket, person) -> str:
    """The request's portal address for someone who :func:`sees_in_portal`, else ''."""
    if not site_url() or not sees_in_portal(ticket, person):
        return ""
    return absolute_url(reverse("portal:request", args=[ticket.pk]))


def confirmation_facts(ticket: Ticket, person, language: str) -> dict:
    """What a confirmation tells beyond the number: the priority, the deadlines in words, and
    where to follow the request — the portal for someone with a login, else replying by mail."""
    account = person is not None and person.user_id is not None
    return {
        "priority": priority_line(ticket, language),
        "deadlines": deadline_sentences(ticket, language),
        "account": account,
        "link": absolute_url(reverse("portal:request", args=[ticket.pk])) if account and site_url() else "",
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
    mail = compose(ticket, kind, message=message, status=status, recipient=recipient, files_of=files_of)
    if mail is None:
        return None
    mail.save()
    if later:
        transaction.on_commit(lambda: batch.defer_send(mail.pk) or send_later([mail.pk]))
    return mail


def compose(ticket: Ticket, kind: str, *, message: str = "", status: str = "", recipient=None,
            files_of: Message | None = None) -> OutboundMail | None:
    """:func:`queue`'s outbox row, written in full but not saved (:func:`confirmations`
    saves many in one insert); None when there is no address to send it to."""
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
    return OutboundMail(
        ticket=ticket, kind=kind, message_id=new_message_id(f"t{ticket.pk}", sender.rpartition("@")[2]),
        from_address=sender, to=to,
        subject=subject, body=body, language=language, about=files_of,
    )


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


