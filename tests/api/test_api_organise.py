"""The API of issue 19 items 6 and 7: tags, links, merge, bulk actions and teams; the
ticket answers' tags and team, and the list's filters on them."""

from __future__ import annotations

import pytest

from meldpunt.organise.services import add_tag, tags_of
from meldpunt.teams.models import Membership, Team
from meldpunt.teams.services import set_team
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db


def _ticket(desk, subject, org="a"):
    return create_ticket(NewRequest(organisation=desk[f"org_{org}"], agreement=desk[f"agr_{org}"], subject=subject,
                                    impact="one", urgency="low", contact=desk[f"{org}_coord"]))[0]


def test_staff_tag_and_untag_and_the_ticket_answers_carry_the_tags(desk):
    api, ticket = Api(desk["staff"]), _ticket(desk, "Een")
    response = api.post(f"/api/tickets/{ticket.pk}/tags", {"tag": "Upgrade 2026"})
    assert response.status_code == 200 and response.json() == {"tags": ["upgrade-2026"]}
    assert api.get(f"/api/tickets/{ticket.pk}").json()["tags"] == ["upgrade-2026"]
    listed = api.get("/api/tickets", tag="upgrade-2026").json()["items"]
    assert [t["id"] for t in listed] == [ticket.pk] and listed[0]["tags"] == ["upgrade-2026"]
    assert api.get("/api/tickets", tag="other").json()["items"] == []
    assert api.post(f"/api/tickets/{ticket.pk}/tags", {"tag": "a/b"}).status_code == 400
    assert api.post(f"/api/tickets/{ticket.pk}/tags/remove", {"tag": "upgrade-2026"}).json() == {"tags": []}


def test_customers_see_no_tags_and_may_not_tag_or_filter(desk):
    ticket = _ticket(desk, "Een")
    add_tag(ticket, "intern")
    api = Api(desk["a_coord"].user)
    assert api.get(f"/api/tickets/{ticket.pk}").json()["tags"] == []
    assert api.post(f"/api/tickets/{ticket.pk}/tags", {"tag": "x"}).status_code == 403
    assert api.get("/api/tickets", tag="intern").status_code == 403
    other = Api(desk["b_coord"].user)
    assert other.post(f"/api/tickets/{ticket.pk}/tags", {"tag": "x"}).status_code == 404
    assert other.post(f"/api/tickets/{ticket.pk}/merge", {"into": ticket.pk}).status_code == 404
    assert other.post("/api/tickets/bulk", {"tickets": [ticket.pk], "action": "tag", "value": "x"}).status_code == 403
    assert tags_of(ticket) == ["intern"]


def test_links_and_merge_through_the_api(desk):
    api = Api(desk["staff"])
    keep, dup, related = _ticket(desk, "Hoofd"), _ticket(desk, "Dubbel"), _ticket(desk, "Verwant", org="b")
    response = api.post(f"/api/tickets/{keep.pk}/links", {"ticket": related.pk})
    assert response.status_code == 200 and response.json()[0]["how"] == "related"
    assert api.get(f"/api/tickets/{related.pk}/links").json()[0]["ticket"] == keep.pk
    response = api.post(f"/api/tickets/{dup.pk}/merge", {"into": keep.pk, "expected_version": dup.version})
    assert response.status_code == 200 and response.json()["id"] == keep.pk
    assert Ticket.objects.get(pk=dup.pk).status == "closed"
    hows = {(row["ticket"], row["how"]) for row in api.get(f"/api/tickets/{keep.pk}/links").json()}
    assert hows == {(related.pk, "related"), (dup.pk, "merged_from")}
    assert api.post(f"/api/tickets/{related.pk}/merge", {"into": keep.pk}).status_code == 400  # other organisation
    assert api.post(f"/api/tickets/{keep.pk}/merge", {"into": 9_999_999}).status_code == 404
    assert api.post(f"/api/tickets/{keep.pk}/links/remove", {"ticket": related.pk}).json() == [
        {"ticket": dup.pk, "subject": "Dubbel", "status": "closed", "how": "merged_from"}]


def test_bulk_through_the_api_answers_per_row(desk):
    api = Api(desk["staff"])
    one, two = _ticket(desk, "Een"), _ticket(desk, "Twee")
    response = api.post("/api/tickets/bulk", {"tickets": [one.pk, two.pk, 9_999_999], "action": "status",
                                              "value": "in_progress"})
    body = response.json()
    assert response.status_code == 200 and body["done"] == 2
    assert [(r["ticket"], r["ok"]) for r in body["results"]] == [(one.pk, True), (two.pk, True), (9_999_999, False)]
    assert api.post("/api/tickets/bulk", {"tickets": [one.pk], "action": "priority", "value": "A"}).status_code == 400
    assert api.post("/api/tickets/bulk", {"tickets": [], "action": "tag", "value": "x"}).status_code == 422


def test_teams_and_the_team_filter(desk):
    api = Api(desk["staff"])
    team = Team.objects.create(name="Finance", round_robin=True)
    Membership.objects.create(team=team, user=desk["staff"])
    one, two = _ticket(desk, "Een"), _ticket(desk, "Twee")
    assert api.get("/api/teams").json() == [{"id": team.pk, "name": "Finance", "round_robin": True,
                                             "members": [desk["staff"].get_username()]}]
    response = api.post(f"/api/tickets/{one.pk}/team", {"team": team.pk})
    assert response.status_code == 200 and response.json()["team"] == "Finance"
    assert [t["id"] for t in api.get("/api/tickets", team=team.pk).json()["items"]] == [one.pk]
    assert api.post(f"/api/tickets/{two.pk}/team", {"team": 9_999_999}).status_code == 404
    assert api.post(f"/api/tickets/{one.pk}/team", {"team": None}).json()["team"] is None
    assert Api(desk["a_coord"].user).get("/api/teams").status_code == 403
    set_team(two, team)
    assert Api(desk["a_coord"].user).get(f"/api/tickets/{two.pk}").json()["team"] is None


def test_bulk_team_through_the_api(desk):
    api, one, two = Api(desk["staff"]), _ticket(desk, "Een"), _ticket(desk, "Twee")
    team = Team.objects.create(name="Support")
    body = api.post("/api/tickets/bulk", {"tickets": [one.pk, two.pk], "action": "team", "value": str(team.pk)}).json()
    assert body["done"] == 2 and {api.get(f"/api/tickets/{t.pk}").json()["team"] for t in (one, two)} == {"Support"}
    assert api.post("/api/tickets/bulk", {"tickets": [one.pk], "action": "team", "value": "424242"}).status_code == 400
    customer = Api(desk["a_coord"].user)
    assert customer.post("/api/tickets/bulk", {"tickets": [one.pk], "action": "team", "value": ""}).status_code == 403
    assert api.post("/api/tickets/bulk", {"tickets": [one.pk], "action": "team", "value": ""}).json()["done"] == 1
    assert Ticket.objects.get(pk=one.pk).events.filter(kind="team").count() == 2
