"""Keeps the tickets' full-text search documents current (read by :mod:`meldpunt.tickets.search`).

One :class:`~meldpunt.tickets.models.SearchDocument` row per ticket, written by the ticket
services: at registration (single and batch), when a message is added, and when a change
touches a searched field (:data:`SEARCHED_FIELDS`, through ``services._bump``). A service
elsewhere that changes those fields calls :func:`refresh`; a renamed organisation or contact
rewrites its tickets' documents in a task (:mod:`.search_receivers`); after a bulk import,
``manage.py search_reindex`` rebuilds every document.

- PostgreSQL: the row carries ``vector``, computed here from accent-folded text: the number
  with the ``simple`` configuration (weight A), the head (B), the public thread (D) and the
  internal notes (C), each text under both the Dutch and the English configuration, so a
  Dutch or an English word is found by its stem whatever the ticket's language. A GIN
  index serves ``@@``.
- SQLite: an FTS5 table over the four text columns (external content, ``porter unicode61
  remove_diacritics 2``), kept by triggers on the document table; ``vector`` stays empty.

Accents are folded (é → e) and every non-word character becomes a space on both sides, so
"itgen-1234", "ORA-00942" or "1.2.3" are found as the same run of words they are stored as.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

TABLE = "tickets_searchdocument"
FTS_TABLE = "tickets_searchdocument_fts"
#: Ticket fields whose change rewrites the document.
SEARCHED_FIELDS = frozenset({
    "subject", "description", "error_code", "product", "product_version", "reproduction",
    "organisation", "contact", "reporter_email",
})
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
BATCH = 2000


def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-word characters one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", plain).strip().lower()


@dataclass(frozen=True)
class Document:
    ticket_id: int
    number: str
    head: str
    body: str
    notes: str


def compose(row: dict, messages: Iterable[tuple[bool, str]]) -> Document:
    """The document of one ticket from its fields (``row``: the keys of :data:`ROW_FIELDS`
    by their short names) and its thread as ``(public, body)`` pairs."""
    head = [row["subject"], row["error_code"], row["product"], row["product_version"], row["organisation"],
            row["contact_name"], row["contact_email"], row["reporter_email"]]
    public, notes = [row["description"], row["reproduction"]], []
    for is_public, body in messages:
        (public if is_public else notes).append(body)
    join = "\n".join
    return Document(row["id"], str(row["id"]), join(t for t in head if t), join(t for t in public if t),
                    join(t for t in notes if t))


#: What :func:`compose` reads, as ``values()`` lookups on Ticket (current or historical model).
ROW_FIELDS = {
    "id": "id", "subject": "subject", "error_code": "error_code", "product": "product",
    "product_version": "product_version", "organisation": "organisation__name", "contact_name": "contact__name",
    "contact_email": "contact__email", "reporter_email": "reporter_email", "description": "description",
    "reproduction": "reproduction",
}


def document(ticket) -> Document:
    """The document of a ticket just built in memory (no messages yet): no query."""
    org = ticket.organisation if ticket.organisation_id else None
    contact = ticket.contact if ticket.contact_id else None
    row = {name: getattr(ticket, name, "") for name in ROW_FIELDS if name in ("subject", "error_code", "product",
           "product_version", "reporter_email", "description", "reproduction")}
    row.update(id=ticket.pk, organisation=org.name if org else "", contact_name=contact.name if contact else "",
               contact_email=contact.email if contact else "")
    return compose(row, [])


def documents(ticket_ids: Iterable[int], ticket_model=None, message_model=None) -> list[Document]:
    """Documents of these tickets read from the database (two queries)."""
    if ticket_model is None or message_model is None:
        from meldpunt.tickets.models import Message, Ticket

        ticket_model, message_model = Ticket, Message
    ids = list(ticket_ids)
    rows = ticket_model.objects.filter(pk__in=ids).values(*ROW_FIELDS.values())
    thread: dict[int, list[tuple[bool, str]]] = {}
    for ticket_id, public, body in (message_model.objects.filter(ticket_id__in=ids)
                                    .order_by("created_at", "id").values_list("ticket_id", "public", "body")):
        thread.setdefault(ticket_id, []).append((public, body))
    short = {lookup: name for name, lookup in ROW_FIELDS.items()}
    return [compose({short[k]: v or "" if k != "id" else v for k, v in row.items()}, thread.get(row["id"], []))
            for row in rows]


def vector_sql(number: str, head: str, body: str, notes: str) -> str:
    """The PostgreSQL tsvector of a document from four SQL expressions of folded text."""

    def both(text: str) -> str:
        return f"(to_tsvector('dutch'::regconfig, {text}) || to_tsvector('english'::regconfig, {text}))"

    return (f"setweight(to_tsvector('simple'::regconfig, {number}), 'A') || setweight({both(head)}, 'B') || "
            f"setweight({both(body)}, 'D') || setweight({both(notes)}, 'C')")


_COLUMNS = "ticket_id, number, head, body, notes, vector"
_UPDATE = "number = EXCLUDED.number, head = EXCLUDED.head, body = EXCLUDED.body, notes = EXCLUDED.notes, vector = EXCLUDED.vector"
_PG_WRITE = (f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, "
             f"{vector_sql('%s', '%s', '%s', '%s')}) ON CONFLICT (ticket_id) DO UPDATE SET {_UPDATE}")
_OTHER_WRITE = (f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, NULL) "
                f"ON CONFLICT (ticket_id) DO UPDATE SET {_UPDATE}")


def write(docs: Iterable[Document], using=None) -> None:
    """Insert or replace these documents (one statement, executed for each)."""
    conn = using or connection
    docs = list(docs)
    if not docs:
        return
    if conn.vendor == "postgresql":
        params = []
        for d in docs:  # vector_sql names each folded text twice (Dutch, English)
            head, body, notes = fold(d.head), fold(d.body), fold(d.notes)
            params.append((d.ticket_id, d.number, d.head, d.body, d.notes, d.number, head, head, body, body, notes, notes))
        sql = _PG_WRITE
    else:
        params = [(d.ticket_id, d.number, d.head, d.body, d.notes) for d in docs]
        sql = _OTHER_WRITE
    with conn.cursor() as cursor:
        cursor.executemany(sql, params)


def refresh(ticket_ids: Iterable[int]) -> None:
    """Rewrite the documents of these tickets from what the database holds now."""
    ids = list(ticket_ids)
    for start in range(0, len(ids), BATCH):
        write(documents(ids[start:start + BATCH]))


def rebuild(ticket_model=None, message_model=None, using=None) -> int:
    """Write every ticket's document again, in batches; returns how many."""
    if ticket_model is None:
        from meldpunt.tickets.models import Ticket

        ticket_model = Ticket
    done, last = 0, 0
    while True:
        ids = list(ticket_model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return done
        write(documents(ids, ticket_model, message_model), using=using)
        done, last = done + len(ids), ids[-1]


# ------------------------------------------------------------------ the index itself
#: GIN serves ``@@``; BRIN on the ticket id narrows a word's matches to a range of ids
#: cheaply (documents are written in id order), which the newest-first search uses;
#: autovacuum summarises each new range of pages as it fills (until then it is always read).
PG_BRIN = (f"CREATE INDEX IF NOT EXISTS tickets_search_ticket_brin ON {TABLE} USING BRIN (ticket_id) "
           "WITH (autosummarize = on)")
PG_SETUP = [f"CREATE INDEX IF NOT EXISTS tickets_search_vector ON {TABLE} USING GIN (vector)", PG_BRIN]
PG_TEARDOWN = ["DROP INDEX IF EXISTS tickets_search_vector", "DROP INDEX IF EXISTS tickets_search_ticket_brin"]
_FTS_COLUMNS = "number, head, body, notes"
_NEW = "new.ticket_id, new.number, new.head, new.body, new.notes"
_OLD = "'delete', old.ticket_id, old.number, old.head, old.body, old.notes"
SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_FTS_COLUMNS}, content='{TABLE}', "
    "content_rowid='ticket_id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS tickets_search_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {_FTS_COLUMNS}) VALUES ({_NEW}); END",
    f"CREATE TRIGGER IF NOT EXISTS tickets_search_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_FTS_COLUMNS}) VALUES ({_OLD}); END",
    f"CREATE TRIGGER IF NOT EXISTS tickets_search_au AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_FTS_COLUMNS}) VALUES ({_OLD}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {_FTS_COLUMNS}) VALUES ({_NEW}); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS tickets_search_ai",
    "DROP TRIGGER IF EXISTS tickets_search_ad",
    "DROP TRIGGER IF EXISTS tickets_search_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def create_index(schema_editor) -> None:
    """GIN on PostgreSQL, FTS5 and its triggers on SQLite; other databases get no index."""
    vendor = schema_editor.connection.vendor
    for statement in PG_SETUP if vendor == "postgresql" else SQLITE_SETUP if vendor == "sqlite" else []:
        schema_editor.execute(statement)


def drop_index(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in PG_TEARDOWN if vendor == "postgresql" else SQLITE_TEARDOWN if vendor == "sqlite" else []:
        schema_editor.execute(statement)
