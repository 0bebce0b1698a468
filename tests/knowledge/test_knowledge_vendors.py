"""Community questions and ideas belong to a vendor (issue 16): a customer sees, searches,
answers and votes only on those of the vendors their organisation has a running agreement
with; another vendor's ids answer 404; staff see all; a visitor sees none."""

from __future__ import annotations

import sys
from datetime import date

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

from meldpunt.knowledge.community import vendor_for, vendors_of, visible_ideas, visible_questions
from meldpunt.knowledge.ideas import submit_idea, vote
from meldpunt.knowledge.models import Answer, Idea, IdeaFollower, IdeaVote, Product, Question
from meldpunt.knowledge.search import search
from meldpunt.knowledge.services import KnowledgeError, answer_question, ask_question, create_article
from tests.support import factories as f


def customer(name: str, *vendors: str, **agreement):
    org = f.organisation(name, language="en")
    contact = f.contact(org, language="en")
    for vendor in vendors:
        f.agreement(org, vendor, {"invantive": "subscription", "erpm": "small"}[vendor], **agreement)
    return contact


@pytest.fixture
def two(db):
    """Anna is an Invantive customer, Bob an ERP.M customer; each asked and had an idea."""
    anna, bob = customer("Anna BV", "invantive"), customer("Bob BV", "erpm")
    return {
        "anna": anna, "bob": bob, "staff": f.staff_user(),
        "qa": ask_question(author=anna.user, title="Invantive question", body="Token?"),
        "qb": ask_question(author=bob.user, title="ERP.M question", body="Warehouse?"),
        "ia": submit_idea(author=anna.user, title="Invantive idea", body="Excel export."),
        "ib": submit_idea(author=bob.user, title="ERP.M idea", body="Second warehouse."),
    }


def test_a_question_or_idea_takes_the_vendor_of_its_authors_agreement(two):
    assert (two["qa"].vendor, two["qb"].vendor, two["ia"].vendor, two["ib"].vendor) == (
        "invantive", "erpm", "invantive", "erpm")


def test_portal_lists_show_only_the_own_vendors_and_staff_see_all(two, client):
    client.force_login(two["anna"].user)
    community, ideas = client.get("/knowledge/community/").text, client.get("/knowledge/ideas/").text
    assert "Invantive question" in community and "ERP.M question" not in community
    assert "Invantive idea" in ideas and "ERP.M idea" not in ideas
    client.force_login(two["staff"])
    community, ideas = client.get("/knowledge/community/").text, client.get("/knowledge/ideas/").text
    assert "Invantive question" in community and "ERP.M question" in community
    assert "Invantive idea" in ideas and "ERP.M idea" in ideas
    client.logout()
    community, ideas = client.get("/knowledge/community/").text, client.get("/knowledge/ideas/").text
    assert "question" not in community.split("<tbody>")[1].split("</tbody>")[0]
    assert "Log in to see the community of your vendor." in community
    assert "ERP.M idea" not in ideas and "Invantive idea" not in ideas


def test_another_vendors_ids_answer_404_for_reading_answering_and_voting(two, client):
    qb, ib = two["qb"], two["ib"]
    client.force_login(two["anna"].user)
    assert client.get(f"/knowledge/community/{qb.pk}/").status_code == 404
    assert client.post(f"/knowledge/community/{qb.pk}/", {"action": "answer", "body": "Me too"}).status_code == 404
    assert client.get(f"/knowledge/ideas/{ib.pk}/").status_code == 404
    for action in ("vote", "follow", "unvote"):
        assert client.post(f"/knowledge/ideas/{ib.pk}/act/", {"action": action}).status_code == 404
    assert not Answer.objects.filter(question=qb).exists()
    assert not IdeaVote.objects.filter(idea=ib).exists()
    assert not IdeaFollower.objects.filter(idea=ib, user=two["anna"].user).exists()
    # Their own vendor's question and idea work as before.
    assert client.post(f"/knowledge/community/{two['qa'].pk}/", {"action": "answer", "body": "Renew it"}).status_code == 302
    assert client.post(f"/knowledge/ideas/{two['ia'].pk}/act/", {"action": "vote"}).status_code == 302
    # Staff open both.
    client.force_login(two["staff"])
    assert client.get(f"/knowledge/community/{qb.pk}/").status_code == 200
    assert client.get(f"/knowledge/ideas/{ib.pk}/").status_code == 200


def test_the_services_refuse_too(two):
    with pytest.raises(KnowledgeError):
        answer_question(question=two["qb"], author=two["anna"].user, body="Me too")
    with pytest.raises(KnowledgeError):
        vote(idea=two["ib"], user=two["anna"].user)
    assert answer_question(question=two["qb"], author=two["staff"], body="Staff answer").by_staff


def test_an_ended_agreement_and_a_visitor_see_nothing(two):
    former = customer("Former BV", "erpm", ends_on=date(2026, 1, 31))
    assert vendors_of(former.user, today=date(2026, 6, 1)) == []
    assert not visible_questions(former.user).exists() and not visible_ideas(former.user).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not visible_questions(AnonymousUser()).exists()
    with pytest.raises(KnowledgeError):
        ask_question(author=former.user, title="Still there?", body="Hello")


def test_a_customer_of_two_vendors_sees_both_and_chooses_when_posting(two, client):
    carl = customer("Carl BV", "invantive", "erpm")
    assert set(visible_questions(carl.user).values_list("title", flat=True)) == {"Invantive question", "ERP.M question"}
    with pytest.raises(KnowledgeError, match="Choose the vendor"):
        vendor_for(carl.user)
    assert vendor_for(carl.user, "erpm") == "erpm"
    client.force_login(carl.user)
    page = client.get("/knowledge/ideas/")
    assert 'name="vendor"' in page.text  # a choice, since there are two
    response = client.post("/knowledge/ideas/", {"title": "Shared idea", "body": "For ERP.M", "vendor": "erpm"})
    assert response.status_code == 302 and Idea.objects.get(title="Shared idea").vendor == "erpm"
    refused = client.post("/knowledge/community/", {"title": "Q", "body": "?", "language": "en", "vendor": "infor"})
    assert refused.status_code == 400 and not Question.objects.filter(title="Q").exists()
    client.force_login(two["anna"].user)
    assert 'name="vendor"' not in client.get("/knowledge/ideas/").text  # one vendor: no choice


def test_search_shows_a_vendors_customers_only_articles_to_its_customers_only(two, client):
    staff = two["staff"]
    product = Product.objects.create(vendor="erpm", slug="erpm-wms", name="ERP.M WMS")
    article = create_article(title="Second warehouse setup", language="en", author=staff, visibility="customers",
                             product=product, body="Open Warehouses and choose New.")
    assert [h.article for h in search("warehouse", "en", two["bob"].user)] == [article]
    assert search("warehouse", "en", two["anna"].user) == []
    assert [h.article for h in search("warehouse", "en", staff)] == [article]
    client.force_login(two["anna"].user)
    assert client.get(f"/knowledge/articles/{article.slug}/").status_code == 404
    assert "Second warehouse setup" not in client.get("/knowledge/", {"q": "warehouse", "lang": "en"}).text
    client.force_login(two["bob"].user)
    assert client.get(f"/knowledge/articles/{article.slug}/").status_code == 200


def _fill_migration():
    """The data step of the migration that gave questions and ideas their vendor (found by
    name, so a renumbering at merge does not break this test)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    [key] = [k for k in loader.disk_migrations if k[0] == "knowledge" and k[1].endswith("belong_to_a_vendor")]
    return sys.modules[type(loader.disk_migrations[key]).__module__]


def test_the_migration_gives_existing_rows_the_vendor_of_their_authors_agreement(two):
    carl = customer("Carl BV", "erpm", ends_on=date(2025, 12, 31), starts_on=date(2025, 1, 1))
    f.agreement(carl.organisation, "invantive", "subscription", starts_on=date(2026, 1, 1))
    carls = ask_question(author=carl.user, title="Carl asks", body="?", vendor="invantive")
    staffs = submit_idea(author=two["staff"], title="Staff idea", body="!", vendor="erpm")
    Question.objects.update(vendor="")
    Idea.objects.update(vendor="")
    _fill_migration().fill(apps, None)
    vendors = dict(Question.objects.values_list("title", "vendor")) | dict(Idea.objects.values_list("title", "vendor"))
    assert vendors == {
        "Invantive question": "invantive", "ERP.M question": "erpm", "Carl asks": "invantive",
        "Invantive idea": "invantive", "ERP.M idea": "erpm",
        "Staff idea": "",  # no customer's agreement to take it from: staff only, set it in the admin
    }
    assert carls.pk and staffs.pk
    assert not visible_ideas(two["anna"].user).filter(title="Staff idea").exists()
    assert visible_ideas(two["staff"]).filter(title="Staff idea").exists()
