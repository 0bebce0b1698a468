"""Tickets get stored clocks from their agreement; status, replies and priority move them."""

import pytest

from meldpunt.tickets.models import TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import ConflictError, add_message, change_status, plan_resolution, set_priority
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _erpm_ticket(addons=(), **kw):
    org = f.organisation()
    agr = f.agreement(org, "erpm", "small", addons=addons)
    defaults = dict(organisation=org, agreement=agr, subject="Orders stuck", kind="incident",
                    impact="organisation", urgency="high", received_at=f.ams(2026, 12, 24, 16, 0))
    defaults.update(kw)
    return create_ticket(NewRequest(**defaults))[0]


def test_incident_gets_matrix_priority_and_both_clocks():
    ticket = _erpm_ticket()
    clocks = {c.metric: c for c in ticket.clocks.all()}
    assert ticket.priority == "A"
    # 2h target: 1h left on the 24th, Christmas (Fri 25th) and the weekend skipped
    assert clocks["response"].due_at == f.ams(2026, 12, 28, 10, 0)
    assert clocks["resolution"].due_at == f.ams(2026, 12, 28, 16, 0)
    assert any("Christmas" in line for line in clocks["resolution"].explanation)


def test_question_is_always_priority_d_with_resolution_by_planning():
    ticket = _erpm_ticket(kind="question", impact="", urgency="")
    clocks = {c.metric: c for c in ticket.clocks.all()}
    assert ticket.priority == "D"
    assert clocks["resolution"].state == "planning" and clocks["resolution"].due_at is None
    planned = f.ams(2027, 1, 15, 12, 0)
    plan_resolution(ticket, planned)
    assert ticket.clocks.get(metric="resolution").due_at == planned


def test_first_public_reply_stops_the_response_clock_and_note_does_not():
    ticket = _erpm_ticket()
    agent = f.staff_user()
    add_message(ticket, "internal", author=agent, public=False)
    assert ticket.clocks.get(metric="response").stopped_at is None
    add_message(ticket, "We are on it", author=agent)
    response = ticket.clocks.get(metric="response")
    assert response.state == "stopped" and response.stopped_at is not None


def test_waiting_on_customer_pauses_resolution_and_the_answer_resumes_it():
    ticket = _erpm_ticket(received_at=f.ams(2026, 12, 1, 9, 0))
    before = ticket.clocks.get(metric="resolution").due_at
    change_status(ticket, "waiting_customer", at=f.ams(2026, 12, 1, 10, 0))
    paused = ticket.clocks.get(metric="resolution")
    assert paused.state == "paused" and paused.due_at is None
    add_message(ticket, "Here is the log", from_customer=True, at=f.ams(2026, 12, 1, 13, 0))
    ticket.refresh_from_db()
    resumed = ticket.clocks.get(metric="resolution")
    assert ticket.status == "in_progress"
    assert resumed.state == "running"
    # 3 business hours in the pause push the due moment 3 hours later
    assert before == f.ams(2026, 12, 1, 17, 0)
    assert resumed.due_at == f.ams(2026, 12, 2, 12, 0)
    assert any("Paused" in line for line in resumed.explanation)


def test_priority_change_moves_the_clocks_and_is_logged():
    ticket = _erpm_ticket(received_at=f.ams(2026, 12, 1, 9, 0))
    set_priority(ticket, impact="one", urgency="high", reason="only one user affected")
    ticket.refresh_from_db()
    assert ticket.priority == "B"
    assert ticket.clocks.get(metric="response").due_at == f.ams(2026, 12, 1, 13, 0)
    event = TicketEvent.objects.filter(ticket=ticket, kind="priority").get()
    assert event.data == {"old": "A", "new": "B", "reason": "only one user affected"}


def test_premium_incident_runs_on_the_extended_calendar():
    ticket = _erpm_ticket(addons=["premium"], received_at=f.ams(2026, 12, 1, 6, 30))
    response = ticket.clocks.get(metric="response")
    assert response.calendar == "premium-incidents"
    assert response.due_at == f.ams(2026, 12, 1, 7, 30)


def test_stale_version_is_refused_with_a_conflict():
    ticket = _erpm_ticket()
    change_status(ticket, "approved", expected_version=1)
    with pytest.raises(ConflictError):
        change_status(ticket, "in_progress", expected_version=1)


def test_idempotency_key_registers_a_request_once():
    first = _erpm_ticket(idempotency_key="mail-123")
    again, created = create_ticket(NewRequest(organisation=first.organisation, agreement=first.agreement,
                                              subject="Orders stuck", idempotency_key="mail-123"))
    assert not created and again.pk == first.pk


def test_events_are_append_only():
    from meldpunt.tickets.models import AppendOnlyError

    ticket = _erpm_ticket()
    event = ticket.events.first()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
