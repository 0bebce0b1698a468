"""Everything an organisation owns, as one JSON document or a zip of CSV files (issue 22).

For a customer's data request and for leaving Meldpunt: the organisation, its contacts and
agreements (in the columns of the import, so the files import again), its requests with their
thread, attachments (names and sizes), event log and clocks, proposals, licence keys, time
entries, invoices and their lines.

Rows are read with ``iterator()`` in chunks and written as they come, so an organisation with
100,000 requests takes the memory of one chunk: the JSON is a generator of text pieces (a
streaming download), the zip is written file by file into a stream.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet

from meldpunt.billing.models import Invoice, InvoiceLine, TimeEntry
from meldpunt.contracts.models import Agreement, Contact, Organisation
from meldpunt.intake.models import Attachment
from meldpunt.tickets.models import Clock, Message, Ticket, TicketEvent
from meldpunt.transfer.rows import format_addons
from meldpunt.triage.models import LicenceKey, Proposal

CHUNK = 2000
FORMAT = "meldpunt-export"
VERSION = 1


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[str]
    rows: Callable[[], Iterable[dict[str, Any]]]


def _fields(model: type[Model], leave_out: tuple[str, ...] = ()) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name not in leave_out]


def _plain(queryset: QuerySet, columns: list[str]) -> Table:
    def rows() -> Iterator[dict[str, Any]]:
        yield from queryset.order_by("pk").values(*columns).iterator(chunk_size=CHUNK)

    return Table(queryset.model._meta.model_name or "", columns, rows)


def _named(name: str, table: Table) -> Table:
    return Table(name, table.columns, table.rows)


def organisation_reference(organisation: Organisation) -> str:
    return organisation.number or organisation.name


def tables(organisation: Organisation) -> list[Table]:
    """The tables of one organisation's export, in the order an import needs them."""
    ref = organisation_reference(organisation)

    def organisations() -> Iterator[dict]:
        yield {"id": organisation.pk, "number": organisation.number, "name": organisation.name,
               "language": organisation.language, "created_at": organisation.created_at}

    def contacts() -> Iterator[dict]:
        for c in Contact.objects.filter(organisation=organisation).select_related("user").order_by("pk").iterator(CHUNK):
            yield {"id": c.pk, "email": c.email, "organisation": ref, "name": c.name, "phone": c.phone,
                   "language": c.language, "coordinator": "yes" if c.is_coordinator else "no",
                   "active": "yes" if c.user is None or c.user.is_active else "no"}

    def agreements() -> Iterator[dict]:
        queryset = (Agreement.objects.filter(organisation=organisation).select_related("catalog", "coordinator")
                    .prefetch_related("addons").order_by("pk"))
        for a in queryset.iterator(CHUNK):
            yield {"id": a.pk, "code": a.code, "organisation": ref, "catalog": a.catalog.vendor,
                   "catalog_version": a.catalog.version, "package": a.package,
                   "addons": format_addons(a.addons.all()), "starts_on": a.starts_on, "ends_on": a.ends_on,
                   "coordinator": a.coordinator.email if a.coordinator else "",
                   "declared_users": a.declared_users, "declared_customisation_lines": a.declared_customisation_lines,
                   "target_overrides": a.target_overrides}

    on_ticket = {"ticket__organisation": organisation}
    return [
        Table("organisations", ["id", "number", "name", "language", "created_at"], organisations),
        Table("contacts", ["id", "email", "organisation", "name", "phone", "language", "coordinator", "active"], contacts),
        Table("agreements", ["id", "code", "organisation", "catalog", "catalog_version", "package", "addons",
                             "starts_on", "ends_on", "coordinator", "declared_users", "declared_customisation_lines",
                             "target_overrides"], agreements),
        _named("tickets", _plain(Ticket.objects.filter(organisation=organisation), _fields(Ticket))),
        _named("messages", _plain(Message.objects.filter(**on_ticket), _fields(Message))),
        _named("attachments", _plain(Attachment.objects.filter(message__ticket__organisation=organisation),
                                     _fields(Attachment))),
        _named("events", _plain(TicketEvent.objects.filter(**on_ticket), _fields(TicketEvent))),
        _named("clocks", _plain(Clock.objects.filter(**on_ticket), _fields(Clock))),
        _named("proposals", _plain(Proposal.objects.filter(**on_ticket), _fields(Proposal))),
        _named("licence_keys", _plain(LicenceKey.objects.filter(agreement__organisation=organisation),
                                      _fields(LicenceKey))),
        _named("time_entries", _plain(TimeEntry.objects.filter(**on_ticket), _fields(TimeEntry))),
        _named("invoices", _plain(Invoice.objects.filter(organisation=organisation), _fields(Invoice))),
        _named("invoice_lines", _plain(InvoiceLine.objects.filter(invoice__organisation=organisation),
                                       _fields(InvoiceLine))),
    ]


def json_pieces(organisation: Organisation) -> Iterator[str]:
    """The JSON document in pieces: ``{"format": ..., "tables": {"contacts": [...], ...}}``."""
    head = {"format": FORMAT, "version": VERSION, "organisation": organisation.pk}
    yield json.dumps(head, cls=DjangoJSONEncoder)[:-1] + ', "tables": {'
    for at, table in enumerate(tables(organisation)):
        yield ("" if at == 0 else ", ") + json.dumps(table.name) + ": ["
        for n, row in enumerate(table.rows()):
            yield ("\n" if n == 0 else ",\n") + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
        yield "]"
    yield "}}\n"


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    return value


def write_zip(organisation: Organisation, stream: IO[bytes]) -> None:
    """A zip with one CSV (UTF-8, comma-separated, header row) per table."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables(organisation):
            with archive.open(f"{table.name}.csv", "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow(table.columns)
                for row in table.rows():
                    writer.writerow([_csv_value(row[c]) for c in table.columns])
                text.flush()
                text.detach()


def write_json(organisation: Organisation, stream: IO[str]) -> None:
    for piece in json_pieces(organisation):
        stream.write(piece)
