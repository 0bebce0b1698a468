"""Issue 19 item 7: teams with their own queue, routing rules by vendor, kind and
organisation, and round-robin assignment in the worker's follow-up."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import connection, transaction

from meldpunt.teams.models import Membership, RoutingRule, Team, TicketTeam
from meldpunt.teams.routing import route
from meldpunt.teams.services import set_team
from meldpunt.tickets.models import FollowUp, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.triage.followup import _follow_up, follow_up_pending
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _new(desk, subject="Storing", org="a", kind="incident", agreement=None):
    return create_ticket(NewRequest(organisation=desk[f"org_{org}"], agreement=agreement or desk[f"agr_{org}"],
                                    subject=subject, kind=kind, impact="one", urgency="low"))[0]


@pytest.fixture
def erpm_team(desk):
    """ERP.M incidents go to a round-robin team of two agents."""
    team = Team.objects.create(name="ERP.M", round_robin=True)
    ann, bob = f.staff_user("ann"), f.staff_user("bob")
    Membership.objects.create(team=team, user=ann)
    Membership.objects.create(team=team, user=bob)
    RoutingRule.objects.create(team=team, position=10, vendor="erpm", kind="incident")
    return {"team": team, "ann": ann, "bob": bob}


def test_the_follow_up_routes_new_requests_and_assigns_them_in_turn(desk, erpm_team):
    tickets = [_new(desk, f"Storing {n}") for n in range(4)]
    assert not TicketTeam.objects.exists()  # registration itself routes nothing: the worker does
    assert follow_up_pending() == 4
    owners = [Ticket.objects.get(pk=t.pk).assignee for t in tickets]
    assert owners == [erpm_team["ann"], erpm_team["bob"], erpm_team["ann"], erpm_team["bob"]]
    assert all(TicketTeam.objects.get(ticket=t).team == erpm_team["team"] for t in tickets)
    event = tickets[0].events.get(kind="team")
    assert event.data["new"] == "ERP.M" and event.data["rule"] and event.actor is None
    assert tickets[0].events.filter(kind="assigned").count() == 1
    assert route(tickets) == {}  # a rerun routes nothing twice


def test_the_first_matching_rule_wins_and_empty_fields_match_anything(desk, erpm_team):
    vip = Team.objects.create(name="Alpha desk")
    RoutingRule.objects.create(team=vip, position=1, organisation=desk["org_a"])
    general = Team.objects.create(name="General")
    RoutingRule.objects.create(team=general, position=99)
    alpha, beta, question = _new(desk, org="a"), _new(desk, org="b"), _new(desk, org="b", kind="question")
    follow_up_pending()
    assert TicketTeam.objects.get(ticket=alpha).team == vip and Ticket.objects.get(pk=alpha.pk).assignee is None
    assert TicketTeam.objects.get(ticket=beta).team == erpm_team["team"]
    assert TicketTeam.objects.get(ticket=question).team == general


def test_an_away_member_gets_no_new_requests_and_an_assigned_one_keeps_its_agent(desk, erpm_team):
    Membership.objects.filter(user=erpm_team["bob"]).update(in_rotation=False)
    first, second = _new(desk), _new(desk)
    follow_up_pending()
    assert {Ticket.objects.get(pk=t.pk).assignee for t in (first, second)} == {erpm_team["ann"]}
    carol = f.staff_user("carol")
    taken = _new(desk)
    Ticket.objects.filter(pk=taken.pk).update(assignee=carol)
    follow_up_pending()
    assert Ticket.objects.get(pk=taken.pk).assignee == carol and TicketTeam.objects.get(ticket=taken)


def test_without_rules_nothing_is_routed(desk):
    ticket = _new(desk)
    follow_up_pending()
    assert not TicketTeam.objects.filter(ticket=ticket).exists()


def test_my_teams_queue_and_a_teams_queue(client, desk, erpm_team):
    routed, other = _new(desk, "In het team"), _new(desk, "Buiten het team", kind="question")
    follow_up_pending()
    client.force_login(erpm_team["ann"])
    page = client.get("/console/?queue=team").content.decode()
    assert "In het team" in page and "Buiten het team" not in page
    page = client.get(f"/console/?queue=all&team={erpm_team['team'].pk}").content.decode()
    assert "In het team" in page and "Buiten het team" not in page
    client.force_login(desk["staff"])  # in no team: an empty queue, no error
    assert "In het team" not in client.get("/console/?queue=team").content.decode()
    assert other.pk and routed.pk


def test_the_ticket_page_moves_a_request_to_a_team_and_logs_it(client, desk, erpm_team):
    ticket = _new(desk, kind="question")
    client.force_login(desk["staff"])
    response = client.post(f"/console/tickets/{ticket.pk}/team/", {"team": erpm_team["team"].pk})
    assert response.status_code == 302 and TicketTeam.objects.get(ticket=ticket).team == erpm_team["team"]
    page = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "Team: ERP.M" in page
    assert client.post(f"/console/tickets/{ticket.pk}/team/", {"team": ""}).status_code == 302
    assert not TicketTeam.objects.filter(ticket=ticket).exists()
    assert client.post(f"/console/tickets/{ticket.pk}/team/", {"team": "99999"}, follow=True).status_code == 200


def test_the_teams_page_joins_leaves_and_takes_a_break(client, desk, erpm_team):
    agent = desk["staff"]
    client.force_login(agent)
    page = client.get("/console/teams/").content.decode()
    assert "ERP.M" in page and "ann" in page and "erpm" in page
    team = erpm_team["team"]
    client.post(f"/console/teams/{team.pk}/membership/", {"action": "join"})
    assert Membership.objects.filter(team=team, user=agent, in_rotation=True).exists()
    client.post(f"/console/teams/{team.pk}/membership/", {"action": "away"})
    assert not Membership.objects.get(team=team, user=agent).in_rotation
    client.post(f"/console/teams/{team.pk}/membership/", {"action": "leave"})
    assert not Membership.objects.filter(team=team, user=agent).exists()
    response = client.post(f"/console/teams/{team.pk}/membership/", {"action": "away"}, follow=True)
    assert response.status_code == 200 and "is not in this team" in response.content.decode()
    client.force_login(desk["a_coord"].user)
    assert client.get("/console/teams/").status_code == 404


def test_set_team_logs_old_and_new(desk, erpm_team):
    ticket = _new(desk, kind="question")
    other = Team.objects.create(name="Other")
    set_team(ticket, erpm_team["team"], actor=desk["staff"])
    set_team(ticket, other, actor=desk["staff"])
    set_team(ticket, other, actor=desk["staff"])  # no change, no event
    assert [e.data for e in ticket.events.filter(kind="team").order_by("id")] == [
        {"old": None, "new": "ERP.M"}, {"old": "ERP.M", "new": "Other"}]


if os.environ.get("DATABASE_URL"):

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_two_follow_ups_at_once_assign_in_turn_not_both_to_the_same_agent(desk, erpm_team):
        """Worker one has routed its request and holds the team's rotation pointer (not yet
        committed); worker two takes the other pending request (SKIP LOCKED), waits on the
        pointer and, once one commits, reads where it moved. Real PostgreSQL, two connections."""
        first, second = _new(desk, "Eerste"), _new(desk, "Tweede")
        routed, errors = threading.Event(), []

        def worker_one() -> None:
            try:
                with transaction.atomic():
                    ids = list(FollowUp.objects.select_for_update(skip_locked=True).filter(ticket=first)
                               .values_list("ticket_id", flat=True))
                    _follow_up(ids)
                    FollowUp.objects.filter(ticket_id__in=ids).delete()
                    routed.set()
                    deadline = time.monotonic() + 10
                    while not _someone_waits_on_a_lock() and time.monotonic() < deadline:
                        time.sleep(0.02)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        thread = threading.Thread(target=worker_one)
        thread.start()
        assert routed.wait(10)
        assert follow_up_pending() == 1  # worker two: skips the locked row, takes the second, waits on the team
        thread.join(15)
        assert errors == []
        owners = {Ticket.objects.get(pk=t.pk).assignee for t in (first, second)}
        assert owners == {erpm_team["ann"], erpm_team["bob"]}
        assert Team.objects.get(pk=erpm_team["team"].pk).last_assigned == Ticket.objects.get(pk=second.pk).assignee

    def _someone_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
            return cursor.fetchone()[0] > 0
