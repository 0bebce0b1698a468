"""Full-text search: the same tests run on SQLite (FTS5) and on PostgreSQL (tsvector + GIN);
the suite runs once on each database (make test), so both engines answer these."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from meldpunt.knowledge.models import Article, ArticleVersion
from meldpunt.knowledge.search import query_sql, search
from meldpunt.knowledge.services import create_article, write_version
from tests.support import factories as f


@pytest.fixture
def kb(db):
    staff = f.staff_user()
    return {
        "staff": staff,
        "exact": create_article(
            title="Connection to Exact Online fails with itgenclr073", language="en", author=staff,
            body="When the token of Exact Online expires, refreshing fails. Log on again to renew the token.",
        ),
        "invoices": create_article(
            title="Printing invoices in bulk", language="en", author=staff, visibility="customers",
            body="Select the invoices and choose Print. Each invoice becomes one PDF.",
        ),
        "magazijn": create_article(
            title="Tweede magazijn instellen", language="nl", author=staff,
            body="Een tweede magazijn stelt u in onder Voorraad, Magazijnen. Kies Nieuw en vul de locatie in.",
        ),
        "draft": create_article(title="Unreleased connector", language="en", author=staff, published=False,
                                body="The connector for Exact Online Premium is not released yet."),
    }


def slugs(hits):
    return [hit.article.slug for hit in hits]


def test_search_finds_words_in_title_and_text_in_the_right_language(kb):
    anonymous = AnonymousUser()
    assert slugs(search("itgenclr073", "en", anonymous)) == [kb["exact"].slug]
    assert slugs(search("renew token", "en", anonymous)) == [kb["exact"].slug]
    assert slugs(search("magazijn locatie", "nl", anonymous)) == [kb["magazijn"].slug]
    assert search("magazijn", "en", anonymous) == []  # the Dutch text is not searched in English
    assert search("token printer", "en", anonymous) == []  # every word must occur


def test_english_words_are_stemmed_on_both_databases(kb):
    contact = f.contact(f.organisation()).user
    assert slugs(search("invoice printing", "en", contact)) == [kb["invoices"].slug]
    assert slugs(search("refreshes", "en", contact)) == [kb["exact"].slug]


def test_customers_only_and_drafts_are_hidden_from_who_may_not_read_them(kb):
    anonymous, contact, staff = AnonymousUser(), f.contact(f.organisation()).user, kb["staff"]
    assert search("invoices", "en", anonymous) == []
    assert slugs(search("invoices", "en", contact)) == [kb["invoices"].slug]
    assert slugs(search("exact online", "en", contact)) == [kb["exact"].slug]
    assert set(slugs(search("exact online", "en", staff))) == {kb["exact"].slug, kb["draft"].slug}


def test_a_new_version_replaces_the_searched_text_and_keeps_the_old_one(kb):
    write_version(article=kb["exact"], language="en", title="Exact Online refresh fails",
                  body="Re-authorise the connection in Invantive Cloud.", author=kb["staff"])
    assert search("token", "en", AnonymousUser()) == []
    assert slugs(search("authorise", "en", AnonymousUser())) == [kb["exact"].slug]
    assert list(ArticleVersion.objects.filter(article=kb["exact"]).values_list("number", "is_current")) == [(2, True), (1, False)]


def test_articles_in_both_languages_are_found_in_each(kb):
    write_version(article=kb["exact"], language="nl", title="Verbinding met Exact Online mislukt",
                  body="Als het token verloopt, mislukt verversen. Meld opnieuw aan.", author=kb["staff"])
    hit = search("verversen", "nl", AnonymousUser())[0]
    assert hit.article == kb["exact"] and hit.version.language == "nl" and "verversen" in hit.snippet


def test_query_syntax_and_deletes_do_no_harm(kb):
    for query in ['"unbalanced', "AND OR NOT", "exact* -online", "'; DROP TABLE x; --", "   ", "NEAR(a b)"]:
        search(query, "en", AnonymousUser())  # no error from either engine
    Article.objects.filter(pk=kb["exact"].pk).delete()
    assert search("itgenclr073", "en", AnonymousUser()) == []


def test_the_index_is_the_engine_of_the_database(kb):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'knowledge_fts_%' ORDER BY 1")
            assert [r[0] for r in cursor.fetchall()] == ["knowledge_fts_en", "knowledge_fts_nl"]
            # With a realistic number of texts the planner takes the GIN index: the query's
            # expression is exactly the indexed one (both come from search.pg_vector).
            articles = Article.objects.bulk_create([Article(slug=f"bulk-{i}") for i in range(500)])
            ArticleVersion.objects.bulk_create([
                ArticleVersion(article=a, language="nl", number=1, title=f"Onderwerp {i}", body=f"Voorraad nummer{i}")
                for i, a in enumerate(articles)
            ])
            cursor.execute("ANALYZE knowledge_articleversion")
            cursor.execute("EXPLAIN " + query_sql("postgresql", "nl"), ["nummer42", "nl", 20])
            assert "Bitmap Index Scan on knowledge_fts_nl" in " ".join(row[0] for row in cursor.fetchall())
        else:
            cursor.execute("SELECT count(*) FROM knowledge_articleversion_fts WHERE knowledge_articleversion_fts MATCH 'magazijn'")
            assert cursor.fetchone()[0] == 1


def test_search_page_shows_hits_and_hides_customers_only_from_visitors(kb, client):
    page = client.get("/knowledge/", {"q": "exact online", "lang": "en"})
    assert page.status_code == 200
    assert "Connection to Exact Online fails with itgenclr073" in page.text and "Unreleased connector" not in page.text
    assert "Printing invoices in bulk" not in client.get("/knowledge/", {"q": "invoices", "lang": "en"}).text
    assert client.get(f"/knowledge/articles/{kb['invoices'].slug}/").status_code == 404
    article = client.get(f"/knowledge/articles/{kb['exact'].slug}/")
    assert article.status_code == 200 and "Log on again to renew the token." in article.text
    client.force_login(kb["staff"])
    staff_view = client.get(f"/knowledge/articles/{kb['draft'].slug}/")
    assert staff_view.status_code == 200 and "Edit in administration" in staff_view.text
