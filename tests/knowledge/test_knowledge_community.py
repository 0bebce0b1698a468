"""Community questions (not covered; staff take part; a question can become a ticket) and
articles on tickets (agents link them, and turn a good answer into one)."""

import pytest

from meldpunt.knowledge.models import Article, ArticleLink
from meldpunt.knowledge.services import (
    KnowledgeError,
    accept_answer,
    answer_question,
    article_from_message,
    ask_question,
    link_article,
    question_to_ticket,
)
from meldpunt.tickets.models import TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message
from tests.support import factories as f


@pytest.fixture
def asked(db):
    org = f.organisation("Northwind", language="en")
    asker = f.contact(org, username="emma")
    agreement = f.agreement(org, "invantive", "subscription", coordinator=asker)
    question = ask_question(author=asker.user, title="itgenclr073 on refresh",
                            body="Refreshing Exact Online fails with itgenclr073 since this morning.", language="en")
    return {"org": org, "asker": asker, "agreement": agreement, "question": question, "staff": f.staff_user()}


def test_staff_answers_are_marked_and_the_asker_accepts_one(asked):
    question, staff = asked["question"], asked["staff"]
    peer_org = f.organisation()
    f.agreement(peer_org, "invantive", "subscription")  # another customer of the same vendor
    peer = answer_question(question=question, author=f.contact(peer_org).user, body="Same here.")
    official = answer_question(question=question, author=staff, body="Renew the token under Connections.")
    assert (peer.by_staff, official.by_staff) == (False, True)
    with pytest.raises(KnowledgeError):
        accept_answer(question=question, answer=official, actor=peer.author)  # not the asker
    accept_answer(question=question, answer=official, actor=asked["asker"].user)
    question.refresh_from_db()
    assert question.accepted_answer == official


def test_an_agent_turns_a_question_into_a_ticket_under_the_askers_agreement(asked):
    with pytest.raises(KnowledgeError):
        question_to_ticket(question=asked["question"], actor=asked["asker"].user)
    ticket = question_to_ticket(question=asked["question"], actor=asked["staff"])
    assert (ticket.organisation, ticket.agreement, ticket.contact, ticket.kind) == (
        asked["org"], asked["agreement"], asked["asker"], "incident")
    assert ticket.subject == "itgenclr073 on refresh" and ticket.priority == "III"  # Invantive default category
    assert ticket.clocks.get(metric="response").due_at is not None  # service levels run from now on
    assert question_to_ticket(question=asked["question"], actor=asked["staff"]) == ticket  # once
    assert TicketEvent.objects.filter(ticket=ticket, kind="from_community").count() == 1


def test_community_pages_say_what_is_and_is_not_covered(asked, client):
    page = client.get("/knowledge/community/")  # a visitor sees no vendor's questions
    assert page.status_code == 200 and "itgenclr073 on refresh" not in page.text
    assert "Community questions are not covered by your subscription or agreement." in page.text
    assert "Log in to see the community of your vendor." in page.text
    client.force_login(asked["asker"].user)
    assert "itgenclr073 on refresh" in client.get("/knowledge/community/").text
    page = client.get(f"/knowledge/community/{asked['question'].pk}/")
    assert f"Agreement {asked['agreement'].code} covers these requests:" in page.text and "Incident" in page.text
    client.post(f"/knowledge/community/{asked['question'].pk}/", {"action": "answer", "body": "Solved it myself."})
    assert asked["question"].answers.get().body == "Solved it myself."
    client.force_login(asked["staff"])
    client.post(f"/knowledge/community/{asked['question'].pk}/", {"action": "ticket"})
    asked["question"].refresh_from_db()
    assert asked["question"].ticket_id is not None


def test_visitors_must_log_in_to_ask(db, client):
    response = client.post("/knowledge/community/", {"title": "Hi", "body": "?", "language": "en"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_agents_link_articles_and_turn_an_answer_into_one(asked, client):
    staff = asked["staff"]
    ticket, _ = create_ticket(NewRequest(organisation=asked["org"], agreement=asked["agreement"], contact=asked["asker"],
                                         subject="Refresh fails", language="en"))
    answer = add_message(ticket, "Renew the token: Connections, Exact Online, Log on again.", author=staff)
    article = article_from_message(message=answer, title="Renewing the Exact Online token", actor=staff)
    assert article.visibility == "customers" and article.source_message == answer
    assert article.versions.get().body.startswith("Renew the token")
    assert ArticleLink.objects.filter(ticket=ticket, article=article).exists()
    customer_note = add_message(ticket, "Thanks!", author=asked["asker"].user, from_customer=True)
    with pytest.raises(KnowledgeError):
        article_from_message(message=customer_note, title="x", actor=staff)
    _link, created = link_article(ticket=ticket, article=article, actor=staff)
    assert created is False  # linked once

    client.force_login(staff)
    page = client.get(f"/knowledge/tickets/{ticket.pk}/")
    assert page.status_code == 200 and "Renewing the Exact Online token" in page.text
    form = client.get(f"/knowledge/answers/{answer.pk}/article/")
    assert form.status_code == 200 and "Renew the token: Connections" in form.text
    response = client.post(f"/knowledge/answers/{answer.pk}/article/", {
        "title": "Token expired", "body": "Log on again.", "language": "en", "visibility": "public"})
    assert response.status_code == 302 and Article.objects.count() == 2
    client.force_login(asked["asker"].user)
    assert client.get(f"/knowledge/tickets/{ticket.pk}/").status_code == 404
