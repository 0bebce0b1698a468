"""Register inbound mail: once, matched to a contact and a ticket, nothing lost.

One code path for IMAP intake, ``meldpunt ingest-mail`` and an agent's forward:
:func:`ingest` takes the raw bytes and returns what became of them. It never raises on bad
mail: unreadable bytes, values over a limit and any error while registering one message
keep that message raw in quarantine for an agent, and the next message goes on. A flood
from one address is held for an agent (:mod:`meldpunt.intake.flood`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from meldpunt.contracts.models import Agreement, Contact
from meldpunt.core.filenames import safe_filename
from meldpunt.core.labelled_fields import read_labelled
from meldpunt.core.requests_by_mail import kind_of_mail
from meldpunt.intake import attachments, batch, flood, followers, quotes
from meldpunt.intake.models import OUTCOMES, FullMail, InboundMail, Mailbox, OutboundMail
from meldpunt.intake.parsing import (
    OverLimit,
    ParsedMail,
    Unreadable,
    clean_text,
    digest,
    fit,
    one_line,
    parse,
)
from meldpunt.intake.reasons import note, notes_words
from meldpunt.tickets import events
from meldpunt.tickets.merged import survivor
from meldpunt.tickets.models import Message, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.replies import customer_reply
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.selectors import contact_sees

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    outcome: str  # created, appended, quarantined, ignored, held; "failed": not kept at all
    ticket: int | None
    reason: str
    duplicate: bool = False

    @property
    def outcome_label(self) -> str:
        """The outcome in the active language ("created a ticket")."""
        return str(dict(OUTCOMES).get(self.outcome, self.outcome))

    @property
    def kept(self) -> bool:
        """Whether the message is stored (a "failed" one must stay in the mailbox)."""
        return self.outcome != "failed"

    def as_dict(self) -> dict:
        """A repeat reads ``duplicate`` with its ticket and what it was registered as."""
        if self.duplicate:
            return {"outcome": "duplicate", "ticket": self.ticket, "reason": self.reason, "registered_as": self.outcome}
        return {"outcome": self.outcome, "ticket": self.ticket, "reason": self.reason}


def ingest(
    raw: bytes, *, source: str = "", mailbox: Mailbox | None = None, received_at: datetime | None = None
) -> IngestResult:
    """Register one raw message; calling it again with the same message changes nothing.

    ``received_at`` is when the desk received it (IMAP INTERNALDATE, or the original Date of
    a mail an agent forwards); the clocks start there. Default: now.

    It never raises: whatever goes wrong with this one message (unreadable, over a limit,
    a database error while registering it) keeps it raw in quarantine with the reason. Only
    when even that fails (the database is down) is the outcome ``failed``: the caller leaves
    the message where it was (IMAP: unflagged, fetched again next time).
    """
    try:
        mail = parse(raw)
    except Unreadable as exc:
        kind = "over_limit" if isinstance(exc, OverLimit) else "unreadable"
        return quarantine(raw, [note(kind, text=str(exc))], source=source, mailbox=mailbox)
    except Exception as exc:  # the parser met something it did not expect: still kept
        log.exception("intake: cannot parse %s", source or "a message")
        return quarantine(raw, [note("unreadable", text=f"{type(exc).__name__}: {exc}")], source=source, mailbox=mailbox)
    return ingest_parsed(raw, mail, source=source, mailbox=mailbox, received_at=received_at)


def ingest_parsed(
    raw: bytes, mail: ParsedMail, *, source: str = "", mailbox: Mailbox | None = None,
    received_at: datetime | None = None,
) -> IngestResult:
    """:func:`ingest` for a message already parsed (``parse(raw)``), e.g. by a batch."""
    try:
        # In a batch scope (its own if none is open): a new request's confirmation is written
        # with it, as mail intake always did, and sent by a task after the commit. The atomic
        # block is a savepoint inside a caller's transaction, so a database error here (e.g.
        # PostgreSQL refusing a value) undoes this message only and leaves the caller's
        # transaction usable.
        with batch.scope(), transaction.atomic():
            known = InboundMail.objects.filter(key=mail.key).first()
            if known is not None:
                return _result(known, duplicate=True)
            outcome, notes, ticket, message = _register(mail, mailbox, received_at or timezone.now())
            return _record(raw, mail.key, outcome, notes, source, mailbox, mail, ticket, message)
    except Exception as exc:
        if isinstance(exc, IntegrityError):  # most likely a concurrent worker registered it first
            twin = _known(mail.key)
            if twin is not None:
                return _result(twin, duplicate=True)
        log.exception("intake: cannot register %s (%s)", mail.key, source)
        error = [note("not_registered", text=f"{type(exc).__name__}: {exc}")]
    return quarantine(raw, error, source=source, mailbox=mailbox, mail=mail)


def _known(key: str) -> InboundMail | None:
    try:
        return InboundMail.objects.filter(key=key).first()
    except DatabaseError:
        return None


def quarantine(raw: bytes, notes: list[dict], *, source: str = "", mailbox: Mailbox | None = None,
               mail: ParsedMail | None = None) -> IngestResult:
    """Keep ``raw`` with outcome ``quarantined`` and why (``notes``) for an agent (Intake › Inbound
    mail), keyed by its Message-ID when it was read, else by the hash of its bytes, so a second
    delivery is recognised. When the parsed values are what the database refuses, it is kept
    without them; when nothing can be written, the outcome is ``failed`` (logged)."""
    key = mail.key if mail is not None else f"sha256:{digest(raw)}"
    for values in ((mail, None) if mail is not None else (None,)):
        try:
            with transaction.atomic():
                known = InboundMail.objects.filter(key=key).first()
                if known is not None:
                    return _result(known, duplicate=True)
                return _record(raw, key, "quarantined", notes, source, mailbox, values)
        except IntegrityError:
            twin = _known(key)
            if twin is not None:
                return _result(twin, duplicate=True)
            error: Exception = IntegrityError("unique key")
        except Exception as exc:
            error = exc
    log.error("intake: cannot keep %s (%s) in quarantine: %s: %s", key, source, type(error).__name__, error)
    return IngestResult("failed", None, gettext("not kept (%(reason)s): %(error)s") % {
        "reason": notes_words(notes), "error": f"{type(error).__name__}: {error}"[:2000]})


def _result(row: InboundMail, duplicate: bool = False) -> IngestResult:
    """The outcome of a stored mail, its reason worded in the active language."""
    reason = row.reason + (" " + gettext("(already registered)") if duplicate else "")
    return IngestResult(row.outcome, row.ticket_id, reason, duplicate)


def inbound_row(raw, key, outcome, notes: list[dict], source, mailbox, mail: ParsedMail | None = None, ticket=None,
                message=None) -> InboundMail:
    """The record of one received message (unsaved). Parsing brought the mail's values
    within their columns; the cut here only guards the source we write. ``notes``: why
    (:mod:`meldpunt.intake.reasons`), worded when read."""
    return InboundMail(
        key=key[:255], raw=raw, outcome=outcome, notes=notes,
        source=fit(one_line(source), 300), mailbox=mailbox,
        sender=(mail.sender if mail else "")[:254], subject=(mail.subject if mail else "")[:300],
        ticket=ticket, message=message,
    )


def _record(raw, key, outcome, notes, source, mailbox, mail: ParsedMail | None = None, ticket=None, message=None) -> IngestResult:
    # The key was looked up before; a concurrent twin makes this insert fail (IntegrityError).
    row = inbound_row(raw, key, outcome, notes, source, mailbox, mail, ticket, message)
    row.save(force_insert=True)
    return _result(row)


def new_request(mail: ParsedMail, contact: Contact | None, agreement: Agreement | None,
                received_at: datetime) -> NewRequest:
    """What a mail that opens a request registers (one by one, or in a batch). Details the
    customer wrote as a labelled form ("Product: …", "Versie: …") fill the request's fields
    (:mod:`meldpunt.core.labelled_fields`), so completeness is judged on them (seeds 000/001)."""
    details = read_labelled(mail.body)
    language = contact.language if contact else mail.language_hint or _guess_language(mail)
    with translation.override(language):  # the customer's: the subject is theirs to read too
        subject = mail.subject or gettext("(no subject)")
    # Seed 000: a licence key is requested by mail; the catalog's words in the subject say so.
    kind = kind_of_mail(agreement.catalog.parsed().mail_kinds, subject) if agreement is not None else "incident"
    return NewRequest(
        organisation=contact.organisation if contact else None,
        agreement=agreement,
        contact=contact,
        subject=subject,
        description=_body(mail),
        kind=kind,
        channel="email",
        received_at=received_at,
        language=language,
        reporter_email=mail.sender,
        reporter_name=mail.sender_name,
        product=fit(details.get("product", ""), 120),
        product_version=fit(details.get("product_version", ""), 60),
        error_code=fit(details.get("error_code", ""), 120),
        reproduction=details.get("reproduction", ""),
    )


def new_request_reason(contact: Contact | None, sender: str) -> dict:
    """The note of a mail that opened a request."""
    return (note("new", name=contact.name, organisation=str(contact.organisation)) if contact
            else note("unknown", sender=sender))


def _register(mail: ParsedMail, mailbox: Mailbox | None, received_at: datetime, *, hold: bool = True):
    """What becomes of a new mail: ``(outcome, notes, ticket, message)``, ticket and message
    written. ``hold=False``: an agent released it, so the flood rule does not apply again."""
    if mail.automatic:
        ticket = _thread_ticket(mail)
        return "ignored", [note("automatic", kind=mail.automatic)], ticket, None
    held = flood.held_reason(mail.sender, flood.recent_counts([mail.sender]).get(mail.sender, 0)) if hold else None
    if held:
        return "held", [held], None, None
    contact, ambiguous = sender_contact(mail.sender)
    answered = _thread_ticket(mail)
    merged = survivor(answered) if answered is not None else None
    if merged is not None and (_may_write(answered, contact, mail.sender) or _may_write(merged, contact, mail.sender)):
        # ``[#n]`` of a duplicate that was merged: the answer goes where its conversation went.
        duplicate, answered = answered, merged
    else:
        duplicate = None
    if answered is not None and (duplicate is not None or _may_write(answered, contact, mail.sender)):
        author = contact.user if contact is not None else None  # None: no login, or the reporter
        # A resolved request reopens; after the reopen window, or closed, a new one follows it up.
        # The thread shows the new part; the whole text (with the quoted history) is kept.
        shown, whole = quotes.split(_body(mail))
        reply = customer_reply(answered, shown, author=author, channel="email", at=received_at, contact=contact)
        if duplicate is not None:
            events.record(reply.ticket, "reply_for_merged", ticket=duplicate.pk, message=reply.message.pk,
                          channel="email")
        if whole is not None:
            FullMail.objects.create(message=reply.message, text=whole)
        _keep_attachments(reply.message, mail)
        if mail.cc:
            followers.from_mail(reply.ticket, mail.cc)
        if reply.outcome == "follow_up":
            return "created", [note("follow_up", ticket=answered.pk)], reply.ticket, reply.message
        notes = [note("reply", ticket=answered.pk)] + ([note("reopened")] if reply.outcome == "reopened" else [])
        if duplicate is not None:
            notes.append(note("merged", ticket=duplicate.pk))
        return "appended", notes, answered, reply.message
    ticket, _ = create_ticket(new_request(mail, contact, _agreement_for(contact, mailbox), received_at))
    if mail.cc and ticket.organisation_id is not None:
        followers.from_mail(ticket, mail.cc)
    message = None
    if mail.attachments:  # the description holds the text; the files hang on a thread message
        message = Message.objects.create(ticket=ticket, from_customer=True, channel="email", body=_body(mail))
        _keep_attachments(message, mail)
    notes = [note("ambiguous", sender=mail.sender) if ambiguous else new_request_reason(contact, mail.sender)]
    if answered is not None:
        notes.append(note("not_allowed", ticket=answered.pk))
    return "created", notes, ticket, message


def held_mail(limit: int = 500) -> list[InboundMail]:
    """Mail held by the flood rule, per sender, oldest first (for the agents' list)."""
    return list(InboundMail.objects.filter(outcome="held").select_related("mailbox")
                .defer("raw").order_by("sender", "received_at", "id")[:limit])


def release(pk: int, *, agent) -> IngestResult | None:
    """An agent lets held mail through: registered (ticket, reply, confirmation) as it would
    have been without the flood, with its original time of receipt. Once: the row is locked
    and must still be held; None when it is not (any more)."""
    with batch.scope(), transaction.atomic():
        row = InboundMail.objects.select_for_update().filter(pk=pk, outcome="held").first()
        if row is None:
            return None
        mail = parse(bytes(row.raw))
        row.outcome, notes, row.ticket, row.message = _register(mail, row.mailbox, row.received_at, hold=False)
        row.notes, row.legacy_reason = row.noted(note("released", by=str(agent)), *notes), ""
        row.handled_by, row.handled_at = agent, timezone.now()
        row.save(update_fields=["outcome", "notes", "legacy_reason", "ticket", "message", "handled_by", "handled_at"])
    log.info("intake: %s released held mail %s from %s: %s", agent, row.pk, row.sender, row.outcome)
    return _result(row)


def handle_held(ids, action: str, *, agent) -> tuple[int, list[str]]:
    """Release or discard these held mails, each on its own: ``(how many, errors)``."""
    done, errors = 0, []
    for pk in ids:
        try:
            done += bool(release(pk, agent=agent) if action == "release" else discard(pk, agent=agent))
        except Exception as exc:  # one mail's trouble (e.g. a refused value) leaves the others
            log.exception("intake: %s of held mail %s failed", action, pk)
            errors.append(f"{pk}: {type(exc).__name__}: {exc}")
    return done, errors


def discard(pk: int, *, agent) -> bool:
    """An agent discards held mail: it stays recorded (raw, outcome ``discarded``), never registered."""
    with transaction.atomic():
        row = InboundMail.objects.select_for_update().filter(pk=pk, outcome="held").first()
        if row is None:
            return False
        row.outcome = "discarded"
        row.notes, row.legacy_reason = row.noted(note("discarded", by=str(agent))), ""
        row.handled_by, row.handled_at = agent, timezone.now()
        row.save(update_fields=["outcome", "notes", "legacy_reason", "handled_by", "handled_at"])
    log.info("intake: %s discarded held mail %s from %s", agent, row.pk, row.sender)
    return True


def _body(mail: ParsedMail) -> str:
    return mail.body.strip() or ("(no text; see attachments)" if mail.attachments else "(empty message)")


def _thread_ticket(mail: ParsedMail) -> Ticket | None:
    """The ticket this mail answers: by our Message-IDs it refers to, else ``[#N]`` in the subject."""
    ids = mail.thread_ids
    if ids:
        out = OutboundMail.objects.filter(message_id__in=ids, ticket__isnull=False).values_list("ticket_id", flat=True).first()
        if out is None:
            out = InboundMail.objects.filter(key__in=ids, ticket__isnull=False).values_list("ticket_id", flat=True).first()
        if out is not None:
            return Ticket.objects.filter(pk=out).first()
    number = mail.ticket_number
    if number is not None:
        return Ticket.objects.filter(pk=number).first()
    return None


def sender_contact(sender: str) -> tuple[Contact | None, bool]:
    """The one contact with the sender's address, and whether the address is ambiguous.

    An address that more than one contact has (from before addresses were unique, see
    :mod:`meldpunt.contracts.addresses`) names no organisation: such mail is from an unknown
    sender and goes to triage."""
    found = list(Contact.objects.with_address(sender).select_related("organisation", "user")[:2])
    return (found[0], False) if len(found) == 1 else (None, len(found) > 1)


def _may_write(ticket: Ticket, contact: Contact | None, sender: str) -> bool:
    """Mail is added to a ticket only for someone who may see it: a contact who sees it in
    the portal (:func:`~meldpunt.tickets.selectors.contact_sees`: the coordinator of its
    organisation, or its own contact), or the original reporter of a ticket that has no
    contact (an unknown sender's request). Anyone else starts a new request."""
    if contact is not None and contact_sees(contact, ticket):
        return True
    if ticket.contact_id is None and bool(ticket.reporter_email) and ticket.reporter_email.lower() == sender:
        return True
    return followers.may_write(ticket, sender)  # a follower answers like the reporter


def _agreement_for(contact: Contact | None, mailbox: Mailbox | None) -> Agreement | None:
    """The contact's organisation's running agreement, preferring the mailbox's vendor."""
    if contact is None:
        return None
    return choose_agreement(running_agreements([contact.organisation_id]).get(contact.organisation_id, []), mailbox)


def running_agreements(organisation_ids) -> dict[int, list[Agreement]]:
    """The running agreements of these organisations, oldest first, add-ons prefetched."""
    today = timezone.localdate()
    found: dict[int, list[Agreement]] = {}
    for agreement in (Agreement.objects.filter(organisation_id__in=list(organisation_ids), starts_on__lte=today)
                      .select_related("catalog").prefetch_related("addons").order_by("starts_on", "id")):
        if agreement.ends_on is None or agreement.ends_on >= today:
            found.setdefault(agreement.organisation_id, []).append(agreement)
    return found


def choose_agreement(running: list[Agreement], mailbox: Mailbox | None) -> Agreement | None:
    if mailbox is not None:
        running = [a for a in running if a.catalog.vendor == mailbox.vendor] or running
    return running[0] if running else None


_DUTCH = {"de", "het", "een", "niet", "wij", "ik", "graag", "bedankt", "groet", "geen", "werkt", "met", "vriendelijke"}


def _guess_language(mail: ParsedMail) -> str:
    words = (mail.subject + " " + mail.body[:2000]).lower().split()
    return "nl" if sum(word.strip(".,!?:;") in _DUTCH for word in words) >= 2 else "en"


def _keep_attachments(message, mail: ParsedMail) -> None:
    """Files of a mail, as far as the request's and the organisation's quotas allow; the
    rest stays inside the raw message, listed with the reason (never a failure)."""
    budget = attachments.Budget.for_ticket(message.ticket)
    for part in mail.attachments:
        reason = "size" if part.too_large else budget.take(len(part.data))
        if reason:
            attachments.hold(message, filename=part.filename, content_type=part.content_type,
                             size=len(part.data), reason=reason)
        else:
            attachments.store_bytes(message, filename=part.filename, content_type=part.content_type, data=part.data)


def _quarantined_subject(inbound: InboundMail, contact: Contact | None) -> str:
    """The subject of a ticket made of a quarantined mail that has none, in the contact's
    language (the agent's without one)."""
    with translation.override(contact.language if contact else translation.get_language()):
        return gettext("Quarantined mail %(n)s") % {"n": inbound.pk}


@transaction.atomic
def quarantine_to_ticket(inbound: InboundMail, *, agent, subject: str = "", contact: Contact | None = None) -> Ticket:
    """An agent turns a quarantined (unreadable) mail into a ticket; the raw bytes stay attached."""
    inbound = InboundMail.objects.select_for_update().get(pk=inbound.pk)
    if inbound.ticket_id:
        return inbound.ticket
    text = clean_text(bytes(inbound.raw).decode("utf-8", errors="replace"))
    ticket, _ = create_ticket(NewRequest(
        organisation=contact.organisation if contact else None,
        agreement=_agreement_for(contact, inbound.mailbox),
        contact=contact,
        subject=subject or inbound.subject or _quarantined_subject(inbound, contact),
        description=text[:20000],
        channel="email",
        reporter_email=contact.email if contact else "",
    ), actor=agent)
    inbound.ticket = ticket
    inbound.notes, inbound.legacy_reason = inbound.noted(note("made_ticket", ticket=ticket.pk, by=str(agent))), ""
    inbound.save(update_fields=["ticket", "notes", "legacy_reason"])
    return ticket


def register_forward(raw: bytes, *, agent) -> IngestResult:
    """Seed 001: mail that reached an employee's own mailbox is not a request until it is
    registered and confirmed. The agent forwards it as an attachment (or pastes the
    original with its headers); it is registered as the customer's request with the original
    sender and body, and the customer gets the confirmation. It counts as received at the
    original mail's date, or when it is registered where the agreement's catalog says
    ``[forwarded_mail] received = "on_registration"`` (Invantive, seed 001)."""
    try:
        outer = parse(raw)
    except Unreadable:
        outer = None
    if outer is not None and outer.forwarded is not None:
        original = outer.forwarded.as_bytes(policy=outer.forwarded.policy.clone(linesep="\r\n"))
    else:
        original = raw  # pasted: the original message itself
    try:
        mail = parse(original)
    except Unreadable:
        mail = None
    when = mail.date if mail is not None else None
    if when is not None:
        when = min(when, timezone.now())  # a Date in the future would start the clocks late
        agreement = _agreement_for(sender_contact(mail.sender)[0], None)
        if agreement is not None and agreement.catalog.parsed().forwarded_mail_received == "on_registration":
            when = None  # seed 001: not formally received until registered and confirmed
    return ingest(original, source=f"forwarded by {agent}", received_at=when)


@transaction.atomic
def attach_uploads(ticket: Ticket, uploads, *, author) -> Message:
    """Files sent with a portal request: kept on a thread message from the customer, each
    copied in chunks from its temporary file (the form has checked the quotas)."""
    message = Message.objects.create(
        ticket=ticket, author=author, from_customer=True, channel="portal",
        body=", ".join(safe_filename(clean_text(upload.name)) for upload in uploads)[:2000],
    )
    keep_uploads(message, uploads)
    return message


def keep_uploads(message: Message, uploads) -> None:
    """Files uploaded with a thread message (a request, an agent's or a customer's reply),
    each copied in chunks from its temporary file; the form has checked the quotas. A
    public agent reply's mail carries them (``outbox.queue(files_of=...)``)."""
    for upload in uploads:
        attachments.store(message, filename=upload.name, content_type=upload.content_type,
                          pieces=upload.chunks(attachments.CHUNK_BYTES))
