"""The desk's panels on the console ticket page: knowledge search and linking through the
knowledge services, and time booked from the timer through ``billing.services.book_time``."""

from datetime import timedelta

import pytest
from django.templatetags.static import static
from django.utils import timezone

from meldpunt.billing.models import TimeEntry
from meldpunt.knowledge.models import ArticleLink
from meldpunt.knowledge.services import create_article, link_article
from meldpunt.tickets.models import TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agent(client, desk):
    client.force_login(desk["staff"])
    return client


@pytest.fixture
def ticket(desk):
    made, _ = create_ticket(NewRequest(
        organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"], subject="Stock counts wrong",
        impact="one", urgency="low", received_at=timezone.now() - timedelta(hours=1),
    ))
    return made


@pytest.fixture
def articles(desk):
    staff = desk["staff"]
    return {
        "nl": create_article(title="Tweede magazijn instellen", language="nl", author=staff,
                             body="Een tweede magazijn stelt u in onder Voorraad, Magazijnen."),
        "en": create_article(title="Counting stock in a second warehouse", language="en", author=staff,
                             body="Stock counts per warehouse are under Stock, Warehouses."),
        "draft": create_article(title="Magazijn draft", language="nl", author=staff, published=False,
                                body="Nog niet klaar: magazijn koppeling."),
    }


def test_the_ticket_page_has_the_knowledge_time_and_macro_panels(agent, ticket):
    html = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert 'id="knowledge-panel"' in html and 'id="time-panel"' in html
    assert "No reply templates yet." in html
    assert static("desk/desk.js") in html  # its hashed name
    assert "<dt>m</dt>" in html  # the picker's key is listed with the other shortcuts


def test_search_in_the_customers_language_then_link_with_one_click(agent, ticket, articles, desk):
    response = agent.get(f"/console/tickets/{ticket.pk}/knowledge/", {"q": "magazijn"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tweede magazijn instellen" in html and "Counting stock" not in html
    assert "Magazijn draft" in html  # staff find drafts too (knowledge.search decides)
    english = agent.get(f"/console/tickets/{ticket.pk}/knowledge/", {"q": "warehouse", "lang": "en"}, **HTMX)
    assert "Counting stock in a second warehouse" in english.content.decode()

    response = agent.post(f"/console/tickets/{ticket.pk}/knowledge/link/", {"article": articles["nl"].pk}, **HTMX)
    assert response.status_code == 200
    panel = response.content.decode()
    assert panel.startswith('<section class="card" id="knowledge-panel"')
    assert "Tweede magazijn instellen" in panel
    assert f'data-insert-text="http://testserver/knowledge/articles/{articles["nl"].slug}/?lang=nl"' in panel
    link = ArticleLink.objects.get(ticket=ticket)
    assert link.linked_by == desk["staff"]
    assert TicketEvent.objects.filter(ticket=ticket, kind="article_linked").count() == 1
    # linking again changes nothing (link_article links once)
    agent.post(f"/console/tickets/{ticket.pk}/knowledge/link/", {"article": articles["nl"].pk}, **HTMX)
    assert ArticleLink.objects.filter(ticket=ticket).count() == 1


def test_an_unpublished_article_gets_no_link_to_send(agent, ticket, articles, desk):
    link_article(ticket=ticket, article=articles["draft"], actor=desk["staff"])
    html = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "Magazijn draft" in html and "not published" in html
    assert "data-insert-text" not in html  # the customer could not open it


def test_without_javascript_linking_and_searching_fall_back_to_full_pages(agent, ticket, articles):
    response = agent.post(f"/console/tickets/{ticket.pk}/knowledge/link/", {"article": articles["en"].pk})
    assert response.status_code == 302 and response["Location"].endswith(f"/console/tickets/{ticket.pk}/#knowledge-panel")
    response = agent.get(f"/console/tickets/{ticket.pk}/knowledge/", {"q": "stock"})
    assert response.status_code == 302 and response["Location"] == f"/knowledge/tickets/{ticket.pk}/?q=stock"


@pytest.mark.parametrize("article", ["", "abc", "-1", "99999999999999999999999"])
def test_linking_junk_answers_404_not_500(agent, ticket, article):
    assert agent.post(f"/console/tickets/{ticket.pk}/knowledge/link/", {"article": article}, **HTMX).status_code == 404
    assert not ArticleLink.objects.exists()


def test_a_too_long_search_gets_a_clear_error(agent, ticket):
    response = agent.get(f"/console/tickets/{ticket.pk}/knowledge/", {"q": "x" * 500, "lang": "fr"}, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "at most 200 characters" in html


def test_the_timer_fills_the_booking_form_which_books_through_billing(agent, ticket, desk):
    started = (timezone.now() - timedelta(minutes=25)).isoformat()
    response = agent.post(f"/console/tickets/{ticket.pk}/time/",
                          {"time-minutes": "25", "time-started_at": started, "time-note": "Checked the counts"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "25 minutes booked." in html and 'id="time-panel"' in html
    entry = TimeEntry.objects.get(ticket=ticket)
    assert (entry.minutes, entry.agent, entry.note) == (25, desk["staff"], "Checked the counts")
    assert abs((entry.started_at - timezone.now()).total_seconds() + 25 * 60) < 60
    assert TicketEvent.objects.filter(ticket=ticket, kind="time", data__minutes=25).exists()


def test_booking_without_javascript_returns_to_the_ticket(agent, ticket):
    response = agent.post(f"/console/tickets/{ticket.pk}/time/", {"time-minutes": "10"})
    assert response.status_code == 302 and response["Location"].endswith("#time-panel")
    html = agent.get(response["Location"]).content.decode()
    assert "10 minutes booked." in html and "10 minutes booked in total" in html


@pytest.mark.parametrize("minutes", ["", "0", "-5", "abc", "100000"])
def test_bad_minutes_get_a_clear_error_and_book_nothing(agent, ticket, minutes):
    response = agent.post(f"/console/tickets/{ticket.pk}/time/", {"time-minutes": minutes}, **HTMX)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    full = agent.post(f"/console/tickets/{ticket.pk}/time/", {"time-minutes": minutes, "time-started_at": "garbage"})
    assert full.status_code == 400 and "Please correct the marked fields." in full.content.decode()
    assert not TimeEntry.objects.exists()


def test_customers_never_reach_the_panels(client, desk, ticket, articles):
    client.force_login(desk["a_coord"].user)  # the ticket's own coordinator, still not staff
    assert client.get(f"/console/tickets/{ticket.pk}/knowledge/", {"q": "magazijn"}, **HTMX).status_code == 404
    assert client.post(f"/console/tickets/{ticket.pk}/knowledge/link/", {"article": articles["nl"].pk}).status_code == 404
    assert client.post(f"/console/tickets/{ticket.pk}/time/", {"time-minutes": "5"}).status_code == 404
    assert not ArticleLink.objects.exists() and not TimeEntry.objects.exists()
