"""Register a batch of raw mails (one IMAP fetch) with as few round trips as the batch allows.

The common case — a new request from one known contact, not an answer, without files —
is registered for the whole batch in one transaction: one lookup each for duplicates,
contacts, the hourly throttle and agreements, and bulk inserts for tickets, clocks, events
and inbound mail (:func:`meldpunt.tickets.registration.register`, the one registration
path: the batch's follow-up — assessment, then confirmation — is the worker's, as for any
ticket). Every
other mail — unreadable, automatic, an answer, with attachments, an unknown or ambiguous
sender, a sender over the hourly limit (held) — goes through
:func:`meldpunt.intake.services.ingest` one by one after the batch, so the rules live in one
place. If the group cannot be registered (a concurrent worker, a database error), it is
rolled back and its mails go one by one too, each in its own savepoint: one bad mail never
stops the batch. Results come back in the input order.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from meldpunt.contracts.models import Contact
from meldpunt.intake import batch, flood
from meldpunt.intake.models import InboundMail, Mailbox
from meldpunt.intake.parsing import ParsedMail, parse
from meldpunt.intake.services import (
    IngestResult,
    _result,
    choose_agreement,
    inbound_row,
    ingest,
    ingest_parsed,
    new_request,
    new_request_reason,
    running_agreements,
)
from meldpunt.tickets import registration

log = logging.getLogger(__name__)

Item = tuple[bytes, str, datetime | None]  # raw bytes, source, received at


def ingest_many(items: list[Item], *, mailbox: Mailbox | None = None) -> list[IngestResult]:
    """Register each ``(raw, source, received_at)`` once, like :func:`ingest` would."""
    with batch.scope():  # lookups made once; mail queued meanwhile goes in one send task
        return _ingest_many(items, mailbox)


def _ingest_many(items: list[Item], mailbox: Mailbox | None) -> list[IngestResult]:
    results: list[IngestResult | None] = [None] * len(items)
    parsed: dict[int, ParsedMail] = {}
    for i, (raw, _source, _at) in enumerate(items):
        try:
            parsed[i] = parse(raw)
        except Exception:  # unreadable (or worse): quarantined by the one-by-one path
            pass
    registered: dict[int, IngestResult] = {}
    try:
        group = _plain_new_requests(parsed)
        if group:
            registered = _register_group(items, parsed, group, mailbox)
    except Exception:  # a concurrent worker, a value refused: rolled back; one by one, each isolated
        log.warning("intake: a batch of %d could not be registered at once; one by one instead", len(items),
                    exc_info=True)
        registered = {}
    for i, result in registered.items():
        results[i] = result
    for i, (raw, source, received_at) in enumerate(items):
        if results[i] is not None:
            continue
        if i in parsed:  # not parsed twice
            results[i] = ingest_parsed(raw, parsed[i], source=source, mailbox=mailbox, received_at=received_at)
        else:  # unreadable: quarantined
            results[i] = ingest(raw, source=source, mailbox=mailbox, received_at=received_at)
    return results  # type: ignore[return-value]


def _plain_new_requests(parsed: dict[int, ParsedMail]) -> dict[int, Contact]:
    """The mails that are new requests from exactly one known contact, within the throttle."""
    fresh = {i: m for i, m in parsed.items()
             if not m.automatic and not m.thread_ids and m.ticket_number is None and not m.attachments
             and not m.cc}
    keys = [m.key for m in fresh.values()]
    known = set(InboundMail.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    senders = {m.sender for m in fresh.values()}
    contacts: dict[str, list[Contact]] = {}
    for contact in (Contact.objects.annotate(address=Lower("email")).filter(address__in=senders)
                    .select_related("organisation")):
        contacts.setdefault(contact.address, []).append(contact)
    recent = flood.recent_counts(senders)
    group: dict[int, Contact] = {}
    seen: set[str] = set()
    for i, mail in fresh.items():
        matches = contacts.get(mail.sender, [])
        if mail.key in known or mail.key in seen or len(matches) != 1:
            continue
        seen.add(mail.key)
        if flood.held_reason(mail.sender, recent.get(mail.sender, 0)):
            continue  # the one-by-one path holds it
        recent[mail.sender] = recent.get(mail.sender, 0) + 1
        group[i] = matches[0]
    return group


@transaction.atomic
def _register_group(items: list[Item], parsed: dict[int, ParsedMail], group: dict[int, Contact],
                    mailbox: Mailbox | None) -> dict[int, IngestResult]:
    agreements = running_agreements({c.organisation_id for c in group.values()})
    order = sorted(group)
    now = timezone.now()
    tickets = registration.register([
        new_request(parsed[i], group[i], choose_agreement(agreements.get(group[i].organisation_id, []), mailbox),
                    items[i][2] or now)
        for i in order
    ])
    rows = InboundMail.objects.bulk_create([
        inbound_row(items[i][0], parsed[i].key, "created", [new_request_reason(group[i], parsed[i].sender)], items[i][1],
                    mailbox, parsed[i], ticket)
        for i, ticket in zip(order, tickets, strict=True)
    ])
    return {i: _result(row) for i, row in zip(order, rows, strict=True)}
