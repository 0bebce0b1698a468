"""Issue 19 item 6: tags on requests and links between requests (services and console)."""

from __future__ import annotations

import pytest

from meldpunt.organise.models import Tag, TicketLink
from meldpunt.organise.services import (
    OrganiseError,
    add_tag,
    link,
    linked_tickets,
    normalise_tag,
    remove_tag,
    tags_of,
    unlink,
)
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest

pytestmark = pytest.mark.django_db


def _ticket(desk, subject="Orders komen niet binnen", org="a"):
    return create_ticket(NewRequest(organisation=desk[f"org_{org}"], agreement=desk[f"agr_{org}"], subject=subject,
                                    impact="one", urgency="low"))[0]


def _events(ticket, kind):
    return [e.data for e in ticket.events.filter(kind=kind).order_by("id")]


def test_a_tag_is_normalised_created_once_and_logged_once(desk):
    ticket = _ticket(desk)
    assert add_tag(ticket, "  Upgrade 2026 ", actor=desk["staff"]).name == "upgrade-2026"
    add_tag(ticket, "UPGRADE-2026", actor=desk["staff"])  # already there: nothing changes
    assert tags_of(ticket) == ["upgrade-2026"]
    assert Tag.objects.count() == 1
    assert _events(ticket, "tagged") == [{"tag": "upgrade-2026"}]
    other = _ticket(desk, "Tweede")
    add_tag(other, "upgrade-2026")
    assert Tag.objects.count() == 1 and tags_of(other) == ["upgrade-2026"]


@pytest.mark.parametrize("bad", ["", "   ", "a/b", "x" * 41, "<script>", "tab\x00"])
def test_a_bad_tag_name_is_refused_with_a_reason(bad):
    with pytest.raises(OrganiseError):
        normalise_tag(bad)


def test_removing_a_tag_logs_it_and_removing_a_missing_one_changes_nothing(desk):
    ticket = _ticket(desk)
    add_tag(ticket, "billing")
    assert remove_tag(ticket, "Billing", actor=desk["staff"]) is True
    assert remove_tag(ticket, "billing") is False
    assert tags_of(ticket) == [] and _events(ticket, "untagged") == [{"tag": "billing"}]


def test_a_related_link_shows_on_both_and_is_logged_on_both(desk):
    one, two = _ticket(desk, "Een"), _ticket(desk, "Twee", org="b")  # related may cross organisations
    link(two, one, actor=desk["staff"])
    link(one, two)  # the same pair again: one link
    assert TicketLink.objects.count() == 1
    assert [(r["ticket"].pk, r["how"]) for r in linked_tickets(one)] == [(two.pk, "related")]
    assert [(r["ticket"].pk, r["how"]) for r in linked_tickets(two)] == [(one.pk, "related")]
    assert _events(one, "linked") == [{"ticket": two.pk}] and _events(two, "linked") == [{"ticket": one.pk}]
    assert unlink(one, two) is True and linked_tickets(two) == []
    assert _events(two, "unlinked") == [{"ticket": one.pk}]


def test_a_request_is_not_linked_to_itself(desk):
    one = _ticket(desk)
    with pytest.raises(OrganiseError, match="itself"):
        link(one, one)


@pytest.fixture
def agent(client, desk):
    client.force_login(desk["staff"])
    return client


def test_the_ticket_page_adds_and_removes_tags_and_links(agent, desk):
    one, two = _ticket(desk, "Een"), _ticket(desk, "Twee")
    assert agent.post(f"/console/tickets/{one.pk}/tags/", {"tag": "Koppeling"}).status_code == 302
    assert agent.post(f"/console/tickets/{one.pk}/links/", {"number": two.pk}).status_code == 302
    page = agent.get(f"/console/tickets/{one.pk}/").content.decode()
    assert 'class="tag">koppeling<' in page and f"#{two.pk} Twee" in page
    assert f"#{one.pk} Een" in agent.get(f"/console/tickets/{two.pk}/").content.decode()
    assert "Tag added: koppeling" in page and f"Linked to request #{two.pk}" in page  # the timeline
    assert agent.post(f"/console/tickets/{one.pk}/tags/remove/", {"tag": "koppeling"}).status_code == 302
    assert agent.post(f"/console/tickets/{one.pk}/links/remove/", {"number": two.pk}).status_code == 302
    assert tags_of(one) == [] and linked_tickets(one) == []


def test_bad_input_on_the_ticket_page_is_a_message_not_an_error(agent, desk):
    one = _ticket(desk)
    response = agent.post(f"/console/tickets/{one.pk}/tags/", {"tag": "a/b"}, follow=True)
    assert response.status_code == 200 and "only letters" in response.content.decode()
    response = agent.post(f"/console/tickets/{one.pk}/links/", {"number": "99999999999"}, follow=True)
    assert "There is no request with that number" in response.content.decode()
    response = agent.post(f"/console/tickets/{one.pk}/links/", {"number": one.pk}, follow=True)
    assert "cannot be linked to itself" in response.content.decode()
    assert agent.post("/console/tickets/99999999/tags/", {"tag": "x"}).status_code == 404


def test_customers_get_404_on_the_organise_actions(client, desk):
    one = _ticket(desk)
    client.force_login(desk["a_coord"].user)
    assert client.post(f"/console/tickets/{one.pk}/tags/", {"tag": "x"}).status_code == 404
    assert client.post("/console/bulk/", {"tickets": [one.pk], "action": "tag", "tag": "x"}).status_code == 404
    assert tags_of(one) == []


def test_the_queue_filters_by_tag_and_shows_the_tags(agent, desk):
    one, two = _ticket(desk, "Met tag"), _ticket(desk, "Zonder tag")
    add_tag(one, "billing")
    page = agent.get("/console/?queue=all&tag=Billing").content.decode()
    assert "Met tag" in page and "Zonder tag" not in page and 'class="tag">billing<' in page
    assert f'name="tickets" value="{one.pk}" form="bulk-form"' in page
    assert "Zonder tag" in agent.get("/console/?queue=all").content.decode()
    assert two.pk
