"""Indicative targets (seed 004: "Er kunnen oplossingstijden genoemd worden, dit zijn altijd
indicatieve tijden." and "* alle oplostijden zijn indicatief, kritieke meldingen worden
direct opgepakt en met de grootst mogelijke snelheid afgerond."): ERP.M's resolution clock
has a due moment that agents and customers see, labelled indicative, but it is never a
breach — not on the ticket, not in the queues, not in the API's ``met``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from meldpunt.tickets.clocks import explain
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status
from meldpunt.web.queries import QueueQuery, deadline_panel, queue_page
from meldpunt.web.views_console import indicative_label
from tests.support import factories as f

pytestmark = pytest.mark.django_db

RECEIVED = f.ams(2026, 11, 30, 10, 0)  # Monday; ERP.M workdays 09:00–17:00
#: Wednesday: the priority A resolution time (1 business day → Tue 10:00) has passed.
LATER = f.ams(2026, 12, 2, 12, 0)


@pytest.fixture
def answered():
    """An ERP.M priority A incident answered in time, not resolved: past its indicative time."""
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "small")
    ticket = create_ticket(NewRequest(organisation=org, agreement=agreement, subject="Orders stuck",
                                      impact="organisation", urgency="high", received_at=RECEIVED))[0]
    staff = f.staff_user()
    add_message(ticket, "We are on it.", author=staff, at=RECEIVED + timedelta(minutes=30))
    return {"ticket": Ticket.objects.get(pk=ticket.pk), "staff": staff, "agreement": agreement}


def test_the_resolution_clock_is_indicative_with_a_due_moment_and_says_so(answered):
    ticket = answered["ticket"]
    resolution = ticket.clocks.get(metric="resolution")
    assert resolution.indicative and resolution.state == "running"
    assert resolution.due_at == f.ams(2026, 12, 1, 10, 0) and resolution.target == "1bd"
    assert not ticket.clocks.get(metric="response").indicative
    english = explain(resolution, "en")
    assert english[1].startswith("Target (resolution, Priority A, indicative): 1 business day")
    assert english[-1] == "Indicative time (catalog): not a hard target, never escalated or counted as a breach"
    dutch = explain(resolution, "nl")
    assert dutch[1].startswith("Doel (oplossing, Prioriteit A, indicatief): 1 werkdag")
    assert dutch[-1].startswith("Indicatieve tijd (catalogus): geen harde termijn")


def test_past_the_indicative_time_is_no_breach_on_the_ticket_or_in_the_queues(answered):
    ticket, staff = answered["ticket"], answered["staff"]
    cards = {c["clock"].metric: c for c in deadline_panel(ticket, "en", now=LATER)}
    assert cards["resolution"]["overdue"] and cards["resolution"]["late"] and not cards["resolution"]["breached"]
    assert ticket.next_due_at == f.ams(2026, 12, 1, 10, 0) and ticket.next_due_indicative
    breached = queue_page(staff, QueueQuery(queue="breached"), now=LATER)
    assert [r.ticket.pk for r in breached.rows] == []
    every = queue_page(staff, QueueQuery(), now=LATER)  # still sorted on its indicative time
    (row,) = every.rows
    assert row.ticket.pk == ticket.pk and row.next_clock.metric == "resolution" and not row.breached

    client = Client()
    client.force_login(staff)
    page = client.get("/console/", {"queue": "all"})
    assert page.status_code == 200 and "Resolution (indicative)" in page.text
    detail = client.get(f"/console/tickets/{ticket.pk}/")
    assert "Indicative time" in detail.text and ">indicative</span>" in detail.text
    with translation.override("nl"):
        assert indicative_label(row.next_clock) == "Oplossing (indicatief)"
        assert gettext("Past the indicative time by") == "Over de indicatieve tijd heen met"


def test_a_late_hard_response_still_breaches(answered):
    org = answered["agreement"].organisation
    late = create_ticket(NewRequest(organisation=org, agreement=answered["agreement"], subject="Nobody answered",
                                    impact="organisation", urgency="high", received_at=RECEIVED))[0]
    rows = queue_page(answered["staff"], QueueQuery(queue="breached"), now=LATER).rows
    assert [r.ticket.pk for r in rows] == [late.pk] and rows[0].breached and rows[0].next_clock.metric == "response"


def test_the_api_shows_the_indicative_time_without_met(answered):
    ticket = answered["ticket"]
    change_status(ticket, "resolved", at=f.ams(2026, 12, 1, 15, 0))  # five business hours past it
    headers = {"Authorization": f"Bearer {f.token(answered['staff'])}"}
    body = Client().get(f"/api/tickets/{ticket.pk}", headers=headers).json()
    clocks = {c["metric"]: c for c in body["clocks"]}
    assert clocks["resolution"]["indicative"] is True and clocks["resolution"]["met"] is None
    assert clocks["resolution"]["within_indicative"] is False and clocks["resolution"]["due_at"].startswith("2026-12-01T10:00")
    assert clocks["response"]["indicative"] is False and clocks["response"]["met"] is True
    assert clocks["response"]["within_indicative"] is None
