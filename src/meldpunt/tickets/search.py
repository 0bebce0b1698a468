"""Full-text search over tickets, one interface for PostgreSQL and SQLite.

:func:`search` narrows a ticket queryset (already scoped to who asks, with whatever queue
filters apply) to the tickets matching a query: the newest :data:`WINDOW` of them annotated
with ``search_rank`` and ordered best first, the older ones after them newest first;
:func:`search_ids` pages through both. :func:`highlight` and :func:`snippets` mark the
matches in the page's rows as escaped HTML. The documents are kept by :mod:`meldpunt.tickets.search_index`.

A query is words, all of which must occur (in the number, subject, error code, product,
organisation, reporter, description, reproduction steps or messages), each by its Dutch or
English stem on PostgreSQL (by its English stem on SQLite), accents and case ignored. A
word written with dashes or dots ("itgen-1234", "1.2.3") must occur as that run of words.
"#123" or "123" finds ticket 123 first. Nothing in a query is syntax: quotes, ``*``,
``-``, parentheses, AND/OR/NOT/NEAR are plain characters or ignored, so no input makes
either engine fail. Internal notes are searched only for vendor staff (``internal=True``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Case, F, FloatField, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from meldpunt.tickets.models import SearchDocument, Ticket
from meldpunt.tickets.search_index import FTS_TABLE, fold

MAX_LENGTH = 200
MAX_TERMS = 8
MAX_PARTS = 6
#: Words that are search syntax elsewhere; here they are left out rather than searched for.
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_NUMBER = re.compile(r"#?\s*([0-9]{1,18})")
#: SQLite bm25 weights of the FTS5 columns (number, head, public text, notes).
BM25 = "10.0, 4.0, 1.0, 1.0"


@dataclass(frozen=True)
class Query:
    """A parsed query: each term the folded words it consists of, and the ticket number
    the whole query names, if it is one."""

    terms: tuple[tuple[str, ...], ...]
    number: int | None = None

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def words(self) -> set[str]:
        return {part for term in self.terms for part in term}


def parse(text: str) -> Query:
    text = (text or "")[:MAX_LENGTH]
    terms: list[tuple[str, ...]] = []
    for raw in text.split():
        if raw in OPERATORS:
            continue
        parts = tuple(fold(raw).split()[:MAX_PARTS])
        if parts and parts not in terms:
            terms.append(parts)
        if len(terms) == MAX_TERMS:
            break
    number = _NUMBER.fullmatch(text.strip())
    return Query(tuple(terms), int(number.group(1)) if number else None)


def _pg_query(query: Query, internal: bool):
    """(Dutch stems OR English stems) of each term, all terms required; for customers only
    the weights of number, head and public text (A, B, D: not the internal notes, C)."""
    weights = "" if internal else ":ABD"
    combined = None
    for term in query.terms:
        text = "'" + " ".join(term) + "'" + weights  # folded words only: no quote can occur
        either = (SearchQuery(text, config="dutch", search_type="raw")
                  | SearchQuery(text, config="english", search_type="raw"))
        combined = either if combined is None else combined & either
    return combined


def fts5_match(query: Query, internal: bool) -> str:
    """The FTS5 expression: each term a quoted phrase, all required; customers' limited to
    the number, head and public text columns."""
    expression = " AND ".join('"' + " ".join(term) + '"' for term in query.terms)
    return expression if internal else "{number head body} : (" + expression + ")"


#: How many of the newest matches are ranked. Ranking reads every matched document (on
#: PostgreSQL it decompresses each tsvector), so a common word ("factuur" in a third of a
#: million tickets) would cost seconds; the newest this many are ranked, older matches
#: follow newest first (:func:`search_ids`). A ticket named by its number is always ranked.
#: 250 is five pages of 50; 500 put two-common-word queries over 100 ms at a million tickets.
WINDOW = 250
#: PostgreSQL: the newest matches are looked for in slices of ticket ids, newest first, the
#: first this wide, each next one :data:`GROWTH` times wider (see :func:`_newest_pg`).
FIRST_SLICE = 2_000
GROWTH = 4
#: The longest walk newest first a slice may take (about 40 ms).
WALK = 8_000
#: Below this share of the id range, a scope is narrow (one organisation, one assignee).
DENSE = 0.5
#: At most this many matches expected further back: all of them from the GIN index at once.
FEW = 5_000


def _matching(tickets: QuerySet[Ticket], query: Query, internal: bool) -> QuerySet[Ticket]:
    if connection.vendor == "postgresql":
        return tickets.filter(search_document__vector=_pg_query(query, internal))
    match = fts5_match(query, internal)
    return tickets.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]))


def _ranked(tickets: QuerySet[Ticket], query: Query, internal: bool) -> QuerySet[Ticket]:
    if connection.vendor == "postgresql":
        rank = SearchRank(F("search_document__vector"), _pg_query(query, internal))
    else:
        table = Ticket._meta.db_table
        rank = RawSQL(f"SELECT -bm25({FTS_TABLE}, {BM25}) FROM {FTS_TABLE} "
                      f'WHERE {FTS_TABLE} MATCH %s AND rowid = "{table}"."id"', [fts5_match(query, internal)],
                      output_field=FloatField())
    exact = Case(When(pk=query.number, then=Value(1)), default=Value(0), output_field=IntegerField()) \
        if query.number is not None else Value(0, output_field=IntegerField())
    return tickets.annotate(search_rank=rank, search_exact=exact).order_by("-search_exact", "-search_rank", "-id")


def _newest_pg(tickets: QuerySet[Ticket], query: Query, internal: bool) -> list[int]:
    """The ids of the newest :data:`WINDOW` matches, newest first, on PostgreSQL.

    Asked in one statement (``ORDER BY id DESC LIMIT 250``), the planner either walks the
    tickets newest first testing each document (some µs a ticket), or takes every match of
    the words from the GIN index and sorts them. It cannot tell which is cheaper: a word it
    has no statistics for (most words, every ticket number) is guessed at 1 % of the
    tickets, so it walks, and for a rare word walks the whole table (seconds at a million
    tickets); taking every match of a common word from the index costs as much.

    So the plan follows what is found, newest first. The scope's newest
    :data:`FIRST_SLICE` tickets are tested one by one (bounded). A scope that small, or
    narrower than :data:`DENSE` of the ids (one organisation's tickets), is then left to
    the planner, which knows how few tickets its filters leave. Further back, by the
    density of matches seen so far: a walk newest first where at most :data:`WALK` tickets
    find the rest; every remaining match from the GIN index alone where there can be only
    a few (:data:`FEW`); otherwise a range of ids wide enough for twice the matches still
    wanted (at least :data:`GROWTH` times the last), its matches from the GIN index combined
    with the id range's BRIN index (each such statement reads the words' whole index entries,
    so there should be few of them). The last two
    run with bitmap scans only, so no walk can be chosen there.
    """
    pg_query = _pg_query(query, internal)
    ordered = tickets.order_by("-id").values_list("id", flat=True)
    top, bottom = ordered.first(), ordered[FIRST_SLICE - 1:FIRST_SLICE].first()
    if top is None:
        return []
    first = tickets.filter(pk__gte=bottom or 0, search_document__vector=pg_query).order_by("-id")
    ids = list(first.values_list("id", flat=True)[:WINDOW])
    if bottom is None or len(ids) == WINDOW:
        return ids
    high, covered = bottom - 1, top - bottom + 1
    if FIRST_SLICE / covered < DENSE:
        rest = tickets.filter(pk__lte=high, search_document__vector=pg_query).order_by("-id")
        return ids + list(rest.values_list("id", flat=True)[:WINDOW - len(ids)])
    width = covered
    while high > 0 and len(ids) < WINDOW:
        wanted, density = WINDOW - len(ids), len(ids) / covered
        if density * WALK >= wanted:
            width = min(WALK, max(FIRST_SLICE, int(2 * wanted / density)))
            piece = tickets.filter(pk__gt=high - width, pk__lte=high, search_document__vector=pg_query)
            ids += piece.order_by("-id").values_list("id", flat=True)[:wanted]
        else:
            if (len(ids) + 2) / covered * high <= FEW:
                width = high
            else:  # wide enough for twice the matches still wanted, going by the density so far
                width = min(high, max(width * GROWTH, int(2 * wanted / density) if density else 0))
            found, width = _by_index(pg_query, high - width, high, 2 * wanted, whole=width == high)
            ids += tickets.filter(pk__in=found).order_by("-id").values_list("id", flat=True)[:wanted] if found else []
        high, covered = high - width, covered + width
    return ids


def _by_index(pg_query, low: int, high: int, limit: int, *, whole: bool) -> tuple[list[int], int]:
    """The newest ``limit`` documents matching with ids in (low, high], taken with bitmap
    scans only (for this statement): with ``whole`` from the GIN index alone, the range
    tested on each match; otherwise the GIN index combined with the BRIN index of the ids.
    Returns them and the width of ids they cover (less than the range when cut at
    ``limit``)."""
    documents = SearchDocument.objects.filter(vector=pg_query)
    if whole:
        documents = documents.alias(at=F("ticket_id") + 0).filter(at__gt=low, at__lte=high)
    else:
        documents = documents.filter(ticket_id__gt=low, ticket_id__lte=high)
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_indexscan", "enable_indexonlyscan", "enable_seqscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        found = list(documents.order_by("-ticket_id").values_list("ticket_id", flat=True)[:limit])
    return found, (high - found[-1] + 1 if len(found) == limit else high - low)


@dataclass(frozen=True)
class Results:
    """The matches of a query in two parts: ``ranked`` (the newest :data:`WINDOW` matches
    and the ticket named by number, best first, with ``search_rank``) and ``older`` (the
    rest, newest first; empty when everything fits the window)."""

    ranked: QuerySet[Ticket]
    older: QuerySet[Ticket]
    ranked_count: int


def search(tickets: QuerySet[Ticket], text: str, *, internal: bool = False) -> Results:
    """The tickets of ``tickets`` (scoped to who asks, filtered as the page wants) that
    match ``text``. A query without words matches nothing. ``internal``: search internal
    notes too (vendor staff only)."""
    query = parse(text)
    if not query:
        return Results(tickets.none(), tickets.none(), 0)
    found = _matching(tickets, query, internal)
    newest = _newest_pg(tickets, query, internal) if connection.vendor == "postgresql" \
        else list(found.order_by("-id").values_list("id", flat=True)[:WINDOW])
    ids = set(newest)
    if query.number is not None and query.number not in ids and found.filter(pk=query.number).exists():
        ids.add(query.number)
    ranked = _ranked(tickets.filter(pk__in=ids), query, internal) if ids else tickets.none()
    older = found.filter(pk__lt=newest[-1]).exclude(pk__in=ids).order_by("-id") if len(newest) == WINDOW \
        else tickets.none()
    return Results(ranked, older, len(ids))


def search_ids(tickets: QuerySet[Ticket], text: str, *, internal: bool = False, offset: int = 0, limit: int = 50) -> list[int]:
    """Ids of the matches from ``offset`` on (at most ``limit``): the ranked ones first,
    then the older ones newest first."""
    results = search(tickets, text, internal=internal)
    ids = list(results.ranked.values_list("id", flat=True)[offset:offset + limit]) if offset < results.ranked_count else []
    if len(ids) < limit:
        start = max(0, offset - results.ranked_count)
        ids += list(results.older.values_list("id", flat=True)[start:start + limit - len(ids)])
    return ids


# ------------------------------------------------------------------ highlighting
_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET = 200


def _matches(word: str, words: set[str]) -> bool:
    """Whether a word of the text is one of the query's words, or shares its stem roughly
    (invoice / invoices / invoicing): the marks follow what the engines matched."""
    folded = fold(word)
    for want in words:
        if folded == want:
            return True
        stem = max(4, len(want) - 2)
        if len(want) >= 4 and not want.isdigit() and folded[:stem] == want[:stem] and len(folded) >= stem:
            return True
    return False


def highlight(text: str, query: Query) -> SafeString:
    """``text`` escaped, with each matching word in ``<mark>``; nothing else is markup."""
    words = query.words
    out, last = [], 0
    for found in _WORD.finditer(text):
        if _matches(found.group(), words):
            out.append(escape(text[last:found.start()]))
            out.append("<mark>" + escape(found.group()) + "</mark>")
            last = found.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 -- every piece of text above is escaped


def _excerpt(text: str, query: Query, width: int = SNIPPET) -> str | None:
    """Plain text around the first match in ``text`` (None: no match)."""
    words = query.words
    for found in _WORD.finditer(text):
        if _matches(found.group(), words):
            start = max(0, found.start() - width // 3)
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            piece = " ".join(text[start:start + width].split())
            return ("… " if start else "") + piece + (" …" if start + width < len(text) else "")
    return None


def snippets(ticket_ids: list[int], text: str, *, internal: bool = False) -> dict[int, SafeString]:
    """For each ticket, where the query matched outside the subject: an excerpt of its
    public text (or, for staff, its notes) with the matches marked; one query."""
    query = parse(text)
    if not query or not ticket_ids:
        return {}
    fields = ("ticket_id", "body", "head", "notes") if internal else ("ticket_id", "body", "head")
    result = {}
    for row in SearchDocument.objects.filter(ticket_id__in=ticket_ids).values(*fields):
        for name in fields[1:]:
            excerpt = _excerpt(row[name].partition("\n")[2] if name == "head" else row[name], query)
            if excerpt:
                result[row["ticket_id"]] = highlight(excerpt, query)
                break
    return result
