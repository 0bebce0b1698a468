"""Bring the history of a django-helpdesk desk in (issue 22 item 3).

Each ticket of the old desk becomes one Meldpunt request, through the one registration path
(:func:`meldpunt.tickets.registration.register_one`) as imported history
(``NewRequest.imported``: no assessment, no confirmation mail):

- the organisation is the one of the contact whose address is the submitter's
  (:func:`meldpunt.intake.services.sender_contact`, as for a mail); an address no contact
  (or more than one) has makes it a stranger's request in the triage queue, with the address
  kept as the reporter's; the agreement is the organisation's running one, as for a mail;
- its original date is the date of its first follow-up (django-helpdesk writes "Ticket
  Opened" when it registers a ticket; its API does not show the ticket's own date): the
  request is received then;
- open (Open, Reopened) it is registered as new or in progress with its clocks from that
  date, as if it had arrived then; the first public answer of staff stops the response
  clock at its date; triage assesses it (completeness, coverage) as it would a new one.
  Resolved, Closed and Duplicate tickets are registered resolved or closed, without clocks;
- its follow-ups become the thread, with their dates, public or internal, from the customer
  (no staff user) or from staff; their attachments are stored as the thread's files; a
  resolution text becomes the last answer;
- the old number is kept as the reference: an :class:`~meldpunt.history.models.ImportedTicket`
  row and an 'imported' event (source, number, status, queue, priority, date).

One transaction per ticket, the reference row included: that row is the checkpoint. An
interrupted run resumes after the last ticket done; a second run finds every ticket done
and changes nothing (the registration's idempotency key per source ticket guards a race as
well). A ticket imported once is not updated again from the old desk.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.history.client import HelpdeskClient, SourceError
from meldpunt.history.models import ImportedTicket
from meldpunt.intake import attachments
from meldpunt.intake.services import choose_agreement, running_agreements, sender_contact
from meldpunt.tickets import events, search_index
from meldpunt.tickets.clocks import recompute_clocks
from meldpunt.tickets.models import Clock, Message, Ticket
from meldpunt.tickets.registration import register_one
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import TicketError
from meldpunt.triage.services import assess

#: django-helpdesk's statuses (its defaults) -> Meldpunt's status and the old desk's name.
STATUSES = {1: ("new", "Open"), 2: ("in_progress", "Reopened"), 3: ("resolved", "Resolved"),
            4: ("closed", "Closed"), 5: ("closed", "Duplicate")}


@dataclass
class Result:
    """What a run did so far; ``stopped``: it ended at ``limit`` with tickets left."""

    total: int = 0
    seen: int = 0
    imported: int = 0
    skipped: int = 0
    strangers: int = 0
    messages: int = 0
    attachments: int = 0
    stopped: bool = False
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Tickets imported per second so far."""
        return self.imported / self.elapsed if self.elapsed > 0 else 0.0


def import_helpdesk(client: HelpdeskClient, *, limit: int | None = None,
                    on_progress: Callable[[Result], None] | None = None) -> Result:
    """Import every ticket of the desk behind ``client`` that is not imported yet, at most
    ``limit`` of them; ``on_progress`` after each ticket. Raises SourceError."""
    result = Result()
    done = set(ImportedTicket.objects.filter(source=client.base).values_list("source_number", flat=True))
    places: dict[str, tuple] = {}  # submitter address -> contact, organisation, agreement (one lookup per run)
    for total, data in client.tickets():
        result.total = total
        number = _number(data)
        if number in done:
            result.skipped += 1
        else:
            if limit is not None and result.imported >= limit:
                result.stopped = True
                break
            imported = _import_one(client, data, number, places)
            done.add(number)
            result.imported += 1
            result.strangers += imported.ticket.organisation_id is None
            result.messages += imported.messages
            result.attachments += imported.attachments
        result.seen += 1
        if on_progress:
            on_progress(result)
    return result


def _number(data: dict) -> int:
    try:
        return int(data["id"])
    except (KeyError, TypeError, ValueError):
        raise SourceError(_("a ticket without a number in the answer: %(data)s") % {"data": str(data)[:80]}) from None


def _when(text: str | None, number: int) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise SourceError(_("ticket #%(number)s: %(text)r is not a date") % {"number": number, "text": text}) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def idempotency_key(source: str, number: int) -> str:
    """The registration's key of one source ticket (short: the source is hashed)."""
    return f"history:{hashlib.sha256(source.encode()).hexdigest()[:16]}:{number}"


@transaction.atomic
def _import_one(client: HelpdeskClient, data: dict, number: int, places: dict[str, tuple]) -> ImportedTicket:
    followups = sorted(data.get("followup_set") or [], key=lambda f: (_when(f.get("date"), number), f.get("id", 0)))
    dates = [_when(f.get("date"), number) for f in followups]
    received = dates[0] if dates else timezone.now()
    status, status_name = STATUSES.get(data.get("status"), ("new", str(data.get("status"))))
    email = (data.get("submitter_email") or "").strip()
    if email.lower() not in places:
        places[email.lower()] = _place(email)
    contact, organisation, agreement = places[email.lower()]
    description = data.get("description") or ""
    try:
        registered = register_one(NewRequest(
            organisation=organisation, agreement=agreement, contact=contact,
            subject=(data.get("title") or "").strip() or "(no subject)", description=description,
            kind="incident", channel="email", received_at=received, status=status, imported=True,
            idempotency_key=idempotency_key(client.base, number), reporter_email=email,
        ))
    except TicketError as exc:
        raise SourceError(f"ticket #{number}: {exc}") from None
    ticket = registered.ticket
    messages = files = 0
    if registered.created:
        messages, files, first_answer = _thread(client, ticket, data, followups, dates, description)
        if status in ("new", "in_progress"):
            assess(ticket, new=True)  # what the follow-up would do, without its confirmation mail
            if first_answer is not None:
                _answered(ticket, first_answer)
        search_index.refresh([ticket.pk])
        events.record(ticket, "imported", source=client.base, number=number, status=status_name,
                      queue=str(data.get("queue", "")), priority=data.get("priority"),
                      received_at=received.isoformat(), messages=messages, attachments=files)
    return ImportedTicket.objects.create(
        source=client.base, source_number=number, ticket=ticket, source_status=status_name,
        source_queue=str(data.get("queue", ""))[:200], received_at=received, messages=messages, attachments=files,
    )


def _place(email: str) -> tuple:
    """The contact with the submitter's address, its organisation and running agreement, as
    for a mail; (None, None, None) for a stranger (or an address more than one contact has)."""
    contact, _ambiguous = sender_contact(email) if email else (None, False)
    if contact is None:
        return None, None, None
    organisation = contact.organisation
    return contact, organisation, choose_agreement(running_agreements([organisation.pk]).get(organisation.pk, []), None)


def _thread(client, ticket: Ticket, data: dict, followups: list[dict], dates: list[datetime], description: str):
    """The follow-ups as the thread (the opening one only for its files when it repeats the
    description); returns the counts and the date of staff's first public answer."""
    rows, files, first_answer = [], [], None
    for index, (followup, at) in enumerate(zip(followups, dates, strict=True)):
        comment = (followup.get("comment") or "").strip()
        found = followup.get("followupattachment_set") or []
        if index == 0 and comment == description.strip() and not found:
            continue  # django-helpdesk's "Ticket Opened": the description already holds it
        from_customer, public = followup.get("user") is None, bool(followup.get("public"))
        body = comment or (followup.get("title") or "").strip() or "(attachment)"
        rows.append((Message(ticket=ticket, body=body, public=public, from_customer=from_customer, channel="email"), at))
        files.append(found)
        if public and not from_customer and first_answer is None:
            first_answer = at
    resolution = (data.get("resolution") or "").strip()
    if resolution:
        rows.append((Message(ticket=ticket, body=resolution, public=True, channel="email"), dates[-1] if dates else ticket.received_at))
        files.append([])
    messages = Message.objects.bulk_create([message for message, _ in rows])
    for message, (_message, at) in zip(messages, rows, strict=True):
        message.created_at = at  # the model stamps the insert; the original date goes back
    Message.objects.bulk_update(messages, ["created_at"])
    stored = 0
    for message, found in zip(messages, files, strict=True):
        for item in found:
            _attachment(client, message, item)
            stored += 1
    return len(messages), stored, first_answer


def _attachment(client: HelpdeskClient, message: Message, item: dict) -> None:
    name, kind, size = item.get("filename") or "attachment", item.get("mime_type"), int(item.get("size") or 0)
    if size > settings.MELDPUNT_MAX_ATTACHMENT_BYTES or not item.get("file"):
        kept = attachments.hold(message, filename=name, content_type=kind, size=size, reason="size")
    else:
        kept = attachments.store(message, filename=name, content_type=kind, pieces=client.file(item["file"]))
    kept.created_at = message.created_at
    kept.save(update_fields=["created_at"])


def _answered(ticket: Ticket, at: datetime) -> None:
    """Staff answered the open ticket in the old desk: the response clock stopped then."""
    response = Clock.objects.filter(ticket=ticket, metric="response", stopped_at__isnull=True).first()
    if response is not None:
        response.stopped_at = at
        response.save(update_fields=["stopped_at"])
        events.record(ticket, "clock", metric="response", stopped=at.isoformat())
        recompute_clocks(Ticket.objects.get(pk=ticket.pk))
