"""The follow-up's statements on a chunk of pending requests, as plain SQL.

Every follow-up chunk (:mod:`meldpunt.triage.followup`) runs these, and under a steady stream
of requests a chunk holds one or a few, so their cost is paid per request: compiling the
querysets they replace cost more CPU than PostgreSQL spent answering them. Each is one
``cursor.execute`` with parameters; instances are made with :mod:`meldpunt.plain_sql`
(Django's public ``Model.from_db`` and the fields' converters) and related rows loaded with
``prefetch_related_objects``. The locks are the ones the querysets took: ``FOR UPDATE SKIP
LOCKED`` on the pending rows, ``FOR UPDATE OF`` the tickets (where the database has them;
SQLite locks the whole database per write instead).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import prefetch_related_objects

from meldpunt import plain_sql
from meldpunt.contracts.models import Agreement, CatalogVersion, Contact
from meldpunt.tickets.models import FollowUp, Ticket
from meldpunt.triage.models import Assessment


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _among(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def lock_pending(limit: int) -> list[int]:
    """The ticket ids of up to ``limit`` pending follow-ups, oldest first, locked (rows another
    worker holds are skipped). Call inside a transaction."""
    column = _q(FollowUp._meta.pk.column)
    sql = f"SELECT {column} FROM {_q(FollowUp._meta.db_table)} ORDER BY {column} LIMIT %s"
    features = connection.features
    if features.has_select_for_update:
        sql += " FOR UPDATE SKIP LOCKED" if features.has_select_for_update_skip_locked else " FOR UPDATE"
    return [row[0] for row in _rows(sql, [limit])]


def locked_tickets(ids: list[int]) -> list[Ticket]:
    """The tickets ``ids`` in id order, locked, with their contact, agreement and catalog
    version, their clocks and the agreements' add-ons (the chunk's assessment and
    confirmations read all of these)."""
    if not ids:
        return []
    sql = (f"SELECT {plain_sql.columns(Ticket, 't')}, {plain_sql.columns(Contact, 'c')}, "
           f"{plain_sql.columns(Agreement, 'a')}, {plain_sql.columns(CatalogVersion, 'v')} "
           f"FROM {_q(Ticket._meta.db_table)} t "
           f"LEFT JOIN {_q(Contact._meta.db_table)} c ON c.id = t.contact_id "
           f"LEFT JOIN {_q(Agreement._meta.db_table)} a ON a.id = t.agreement_id "
           f"LEFT JOIN {_q(CatalogVersion._meta.db_table)} v ON v.id = a.catalog_id "
           f"WHERE t.id IN ({_among(ids)}) ORDER BY t.id")
    features = connection.features
    if features.has_select_for_update:
        sql += " FOR UPDATE OF t" if features.has_select_for_update_of else " FOR UPDATE"
    tickets = []
    for row in _rows(sql, list(ids)):
        at = 0
        ticket = plain_sql.instance(Ticket, row, at)
        at += plain_sql.width(Ticket)
        if ticket.contact_id is not None:
            ticket.contact = plain_sql.instance(Contact, row, at)
        at += plain_sql.width(Contact)
        if ticket.agreement_id is not None:
            agreement = plain_sql.instance(Agreement, row, at)
            agreement.catalog = plain_sql.instance(CatalogVersion, row, at + plain_sql.width(Agreement))
            ticket.agreement = agreement
        tickets.append(ticket)
    prefetch_related_objects(tickets, "clocks", "agreement__addons")
    return tickets


def assessed(ids: list[int]) -> set[int]:
    """Those of the tickets ``ids`` that have an assessment already (an agent was quicker)."""
    if not ids:
        return set()
    column = _q(Assessment._meta.get_field("ticket").column)
    return {row[0] for row in _rows(f"SELECT {column} FROM {_q(Assessment._meta.db_table)} "
                                    f"WHERE {column} IN ({_among(ids)})", list(ids))}


def done(ids: list[int]) -> None:
    """Delete the pending rows of the tickets ``ids`` (their follow-up is written)."""
    if ids:
        column = _q(FollowUp._meta.pk.column)
        sql = f"DELETE FROM {_q(FollowUp._meta.db_table)} WHERE {column} IN ({_among(ids)})"
        with connection.cursor() as cursor:
            cursor.execute(sql, list(ids))
