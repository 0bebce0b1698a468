"""Full-text search over the current article texts, one interface for both databases.

- PostgreSQL (production): ``to_tsvector`` with the Dutch or English configuration, title
  weighted above the text, over two partial GIN expression indexes (one per language).
  The index expression and the query expression come from :func:`pg_vector`, so they
  cannot drift apart and the planner can use the index.
- SQLite (the embedded default): an FTS5 table over ``knowledge_articleversion`` (external
  content), kept in sync by triggers, so admin edits and bulk writes are indexed too.
  After a table rebuild by a future migration, call :func:`rebuild_index`.

Both engines get the same query: the words the user typed, all of which must occur
(prefix-free, stemmed where the engine stems). Visibility is applied after matching
(:func:`visible_articles`): anonymous visitors see public articles, customers also
customers-only ones of the vendors they have a running agreement with (or of no product),
staff also unpublished ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from meldpunt.contracts.selectors import contact_of, is_staff
from meldpunt.knowledge.community import vendors_of
from meldpunt.knowledge.models import Article, ArticleVersion

TABLE = "knowledge_articleversion"
FTS_TABLE = "knowledge_articleversion_fts"
PG_CONFIGS = {"nl": "dutch", "en": "english"}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12


def pg_vector(config: str) -> str:
    """The tsvector expression of one language; the migration indexes exactly this."""
    return (
        f"(setweight(to_tsvector('{config}'::regconfig, coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector('{config}'::regconfig, coalesce(body, '')), 'B'))"
    )


def pg_index_sql() -> list[tuple[str, str]]:
    """(create, drop) statements of the PostgreSQL GIN indexes, one per language."""
    return [
        (
            f"CREATE INDEX IF NOT EXISTS knowledge_fts_{lang} ON {TABLE} USING GIN ({pg_vector(config)}) "
            f"WHERE is_current AND language = '{lang}'",
            f"DROP INDEX IF EXISTS knowledge_fts_{lang}",
        )
        for lang, config in PG_CONFIGS.items()
    ]


SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, content='{TABLE}', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS knowledge_fts_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    f"CREATE TRIGGER IF NOT EXISTS knowledge_fts_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    f"CREATE TRIGGER IF NOT EXISTS knowledge_fts_au AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS knowledge_fts_ai",
    "DROP TRIGGER IF EXISTS knowledge_fts_ad",
    "DROP TRIGGER IF EXISTS knowledge_fts_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def create_index(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for create, _drop in pg_index_sql():
            schema_editor.execute(create)
    elif vendor == "sqlite":
        for statement in SQLITE_SETUP:
            schema_editor.execute(statement)


def drop_index(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for _create, drop in pg_index_sql():
            schema_editor.execute(drop)
    elif vendor == "sqlite":
        for statement in SQLITE_TEARDOWN:
            schema_editor.execute(statement)


def rebuild_index() -> None:
    """SQLite: re-read every text into FTS5 (after a table rebuild). PostgreSQL needs nothing."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in SQLITE_SETUP:
                cursor.execute(statement)


@dataclass(frozen=True)
class Hit:
    article: Article
    version: ArticleVersion
    snippet: str
    rank: float


def words(query: str) -> list[str]:
    """The words of a query; punctuation and operators are not search syntax here."""
    return _WORD.findall(query.lower())[:MAX_WORDS]


def visible_articles(user) -> QuerySet[Article]:
    """Published public articles for everyone; customers-only ones for customers too, but an
    article about one vendor's product only for that vendor's customers (as the community:
    :mod:`meldpunt.knowledge.community`); staff see every article, drafts too."""
    articles = Article.objects.all()
    if is_staff(user):
        return articles
    articles = articles.filter(published=True)
    if contact_of(user) is None:
        return articles.filter(visibility="public")
    return articles.filter(Q(visibility="public") | Q(product__isnull=True) | Q(product__vendor__in=vendors_of(user)))


def query_sql(vendor: str, language: str) -> str:
    """The matching query of one engine; parameters: the query text, the language, the limit."""
    if vendor == "postgresql":
        config = PG_CONFIGS[language]
        return (
            f"SELECT id, ts_rank({pg_vector(config)}, query) AS rank "
            f"FROM {TABLE}, plainto_tsquery('{config}'::regconfig, %s) AS query "
            f"WHERE is_current AND language = %s AND {pg_vector(config)} @@ query "
            "ORDER BY rank DESC, id DESC LIMIT %s"
        )
    return (
        f"SELECT v.id, -bm25({FTS_TABLE}, 10.0, 1.0) AS rank FROM {FTS_TABLE} "
        f"JOIN {TABLE} v ON v.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND v.is_current AND v.language = %s "
        "ORDER BY rank DESC, v.id DESC LIMIT %s"
    )


def _matching_versions(terms: list[str], language: str, limit: int) -> list[tuple[int, float]]:
    """(version id, rank) of current texts matching every term, best first."""
    if connection.vendor == "postgresql":
        text = " ".join(terms)
    else:  # each word a quoted FTS5 string: no operator or column filter can be smuggled in
        text = " ".join(f'"{term}"' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(query_sql(connection.vendor, language), [text, language, limit])
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def snippet(body: str, terms: list[str], width: int = 220) -> str:
    """Plain text around the first term found (escaped by the template, never raw HTML)."""
    lower = body.lower()
    found = [i for i in (lower.find(term) for term in terms) if i >= 0]
    start = max(0, min(found) - 60) if found else 0
    text = " ".join(body[start:start + width].split())
    return ("…" if start else "") + text + ("…" if start + width < len(body) else "")


def search(query: str, language: str, user, *, limit: int = 20) -> list[Hit]:
    """Articles whose current ``language`` text contains every word of ``query``, best first.

    One function for PostgreSQL and SQLite; only articles ``user`` may read are returned.
    """
    language = language if language in PG_CONFIGS else "en"
    terms = words(query)
    if not terms:
        return []
    ranked = _matching_versions(terms, language, limit * 3)
    if not ranked:
        return []
    versions = ArticleVersion.objects.select_related("article", "article__product").in_bulk([vid for vid, _ in ranked])
    allowed = set(visible_articles(user).filter(pk__in=[v.article_id for v in versions.values()]).values_list("pk", flat=True))
    hits = [
        Hit(versions[vid].article, versions[vid], snippet(versions[vid].body, terms), rank)
        for vid, rank in ranked
        if vid in versions and versions[vid].article_id in allowed
    ]
    return hits[:limit]
