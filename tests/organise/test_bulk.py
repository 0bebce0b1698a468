"""Issue 19 item 6: bulk actions on queue rows, each row through the same service as on its
own page, with a result per row."""

from __future__ import annotations

import pytest

from meldpunt.organise.bulk import BulkAction, apply
from meldpunt.organise.services import tags_of
from meldpunt.tickets.models import Clock, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import TicketError
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _ticket(org, agreement, subject, **extra):
    extra = extra or {"impact": "one", "urgency": "low"}
    return create_ticket(NewRequest(organisation=org, agreement=agreement, subject=subject,
                                    received_at=f.ams(2026, 11, 30, 10, 0), **extra))[0]


@pytest.fixture
def rows(desk):
    """Two ERP.M requests and one Invantive request (categories I–III, no A–D)."""
    inv = f.agreement(desk["org_a"], "invantive", "subscription")
    return [_ticket(desk["org_a"], desk["agr_a"], "Een"), _ticket(desk["org_a"], desk["agr_a"], "Twee"),
            _ticket(desk["org_a"], inv, "Drie", priority="III")]


def test_bulk_priority_moves_each_clock_and_reports_the_row_whose_catalog_refuses(desk, rows):
    before = {t.pk: Clock.objects.get(ticket=t, metric="response").due_at for t in rows}
    results = apply([t.pk for t in rows], BulkAction("priority", "A", "Productie ligt stil"), actor=desk["staff"])
    assert [(r.ticket, r.ok) for r in results] == [(rows[0].pk, True), (rows[1].pk, True), (rows[2].pk, False)]
    assert results[2].message  # the catalog's reason, for the agent
    for t in rows[:2]:
        fresh = Ticket.objects.get(pk=t.pk)
        assert fresh.priority == "A" and fresh.priority_reason == "Productie ligt stil"
        assert Clock.objects.get(ticket=t, metric="response").due_at < before[t.pk]
        assert fresh.events.filter(kind="priority", actor=desk["staff"]).count() == 1
    assert Ticket.objects.get(pk=rows[2].pk).priority == "III"


def test_bulk_status_assign_and_tag_go_through_the_services(desk, rows):
    ids = [t.pk for t in rows]
    other = f.staff_user()
    assert all(r.ok for r in apply(ids, BulkAction("status", "waiting_customer"), actor=desk["staff"]))
    assert all(r.ok for r in apply(ids, BulkAction("assign", str(other.pk)), actor=desk["staff"]))
    assert all(r.ok for r in apply(ids, BulkAction("tag", "Migratie"), actor=desk["staff"]))
    for t in rows:
        fresh = Ticket.objects.get(pk=t.pk)
        assert fresh.status == "waiting_customer" and fresh.assignee == other and tags_of(fresh) == ["migratie"]
        pauses = Clock.objects.get(ticket=t, metric="resolution").pauses
        assert pauses and pauses[-1][1] is None  # waiting on the customer pauses the clock, as one by one
    assert all(r.ok for r in apply(ids, BulkAction("untag", "migratie"), actor=desk["staff"]))
    assert all(tags_of(t) == [] for t in rows)


def test_a_bad_action_touches_no_row(desk, rows):
    ids = [t.pk for t in rows]
    for action in (BulkAction("status", "bogus"), BulkAction("priority", "A"), BulkAction("assign", "999999"),
                   BulkAction("tag", "a/b"), BulkAction("delete", "")):
        with pytest.raises(TicketError):
            apply(ids, action, actor=desk["staff"])
    with pytest.raises(TicketError):
        apply([], BulkAction("status", "closed"), actor=desk["staff"])
    assert all(Ticket.objects.get(pk=t.pk).events.count() == t.events.count() for t in rows)


def test_a_row_the_actor_may_not_see_is_reported_not_changed(desk, rows):
    hidden = _ticket(desk["org_b"], desk["agr_b"], "Beta")
    visible = Ticket.objects.filter(organisation=desk["org_a"])
    results = apply([rows[0].pk, hidden.pk], BulkAction("tag", "x"), actor=desk["staff"], visible=visible)
    assert [(r.ticket, r.ok) for r in results] == [(rows[0].pk, True), (hidden.pk, False)]
    assert tags_of(hidden) == []


def test_the_queue_bulk_form_says_per_row_what_was_done(client, desk, rows):
    client.force_login(desk["staff"])
    response = client.post("/console/bulk/", {"tickets": [t.pk for t in rows], "action": "priority", "priority": "B",
                                              "reason": "Na overleg", "next": "/console/?queue=all"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/console/?queue=all"
    assert "2 requests changed." in page and f"#{rows[2].pk} not changed:" in page
    response = client.post("/console/bulk/", {"action": "tag", "tag": "x", "next": "https://evil.test/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/console/" and "Select at least one request." in response.content.decode()
    response = client.post("/console/bulk/", {"tickets": ["abc"], "action": "tag", "tag": "x"}, follow=True)
    assert response.status_code == 200 and "Not a request number" in response.content.decode()


def test_bulk_team_moves_each_row_with_an_event_and_refuses_an_unknown_team(desk, rows):
    from meldpunt.teams.models import Team
    from meldpunt.teams.services import team_of

    ids = [t.pk for t in rows]
    support = Team.objects.create(name="Support")
    hidden = _ticket(desk["org_b"], desk["agr_b"], "Beta")
    visible = Ticket.objects.filter(organisation=desk["org_a"])
    results = apply(ids + [hidden.pk], BulkAction("team", str(support.pk)), actor=desk["staff"], visible=visible)
    assert [r.ok for r in results] == [True, True, True, False]
    assert team_of(hidden) is None
    for t in rows:
        assert team_of(t) == support
        event = Ticket.objects.get(pk=t.pk).events.get(kind="team")
        assert event.actor == desk["staff"] and event.data["new"] == "Support" and event.data["old"] is None
    # again: nothing changes, nothing logged twice; then out of every team
    assert all(r.ok for r in apply(ids, BulkAction("team", str(support.pk)), actor=desk["staff"]))
    assert all(Ticket.objects.get(pk=pk).events.filter(kind="team").count() == 1 for pk in ids)
    assert all(r.ok for r in apply(ids, BulkAction("team", ""), actor=desk["staff"]))
    assert all(team_of(t) is None for t in rows)
    for bad in ("999999", "x", "9" * 30):
        with pytest.raises(TicketError):
            apply(ids, BulkAction("team", bad), actor=desk["staff"])


def test_the_queue_bulk_form_moves_rows_to_a_team_and_customers_get_404(client, desk, rows):
    from meldpunt.teams.models import Team
    from meldpunt.teams.services import team_of

    support = Team.objects.create(name="Support")
    client.force_login(desk["staff"])
    assert 'name="team"' in client.get("/console/").content.decode()
    response = client.post("/console/bulk/", {"tickets": [rows[0].pk, rows[1].pk], "action": "team",
                                              "team": support.pk, "next": "/console/"}, follow=True)
    assert "2 requests changed." in response.content.decode()
    assert team_of(rows[0]) == support and team_of(rows[1]) == support and team_of(rows[2]) is None
    client.force_login(desk["a_coord"].user)
    assert client.post("/console/bulk/", {"tickets": [rows[2].pk], "action": "team", "team": support.pk}).status_code == 404
    assert team_of(rows[2]) is None
