"""The ticket event log has one writer (tickets.events) and registration takes a NewRequest."""

import dataclasses
import re
from pathlib import Path

import pytest
from django.db import transaction

from meldpunt.tickets import events
from meldpunt.tickets.models import AppendOnlyError, TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import TicketError, register, register_tickets
from tests.support import factories as f

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "meldpunt"


def _request(**fields) -> NewRequest:
    org = fields.pop("organisation", None) or f.organisation()
    agreement = fields.pop("agreement", None) or f.agreement(org, "erpm", "small")
    return NewRequest(organisation=org, agreement=agreement, subject=fields.pop("subject", "Orders stuck"),
                      impact="organisation", urgency="high", received_at=f.ams(2026, 12, 1, 9, 0), **fields)


def test_record_appends_one_row_with_its_data_and_actor():
    ticket, _ = create_ticket(_request())
    agent = f.staff_user()
    event = events.record(ticket, "time", actor=agent, minutes=30, kind="billable")  # "kind" may be a data key
    stored = TicketEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.actor, stored.data) == ("time", agent, {"minutes": 30, "kind": "billable"})


def test_events_stay_append_only():
    ticket, _ = create_ticket(_request())
    event = events.record(ticket, "note", message=1)
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        events.record_rows([event])
    assert TicketEvent.objects.filter(ticket=ticket, kind="note").count() == 1


def test_record_rows_writes_a_batch_by_ticket_or_id():
    first, _ = create_ticket(_request())
    second, _ = create_ticket(_request())
    events.record_rows([events.row(first, "clock", reason="closed day"), events.row(second.pk, "clock", reason="closed day")])
    assert sorted(TicketEvent.objects.filter(kind="clock").values_list("ticket_id", flat=True)) == [first.pk, second.pk]


def test_created_event_says_channel_kind_priority_and_who_registered():
    agent = f.staff_user()
    ticket, created = create_ticket(_request(channel="phone"), actor=agent)
    event = TicketEvent.objects.get(ticket=ticket, kind="created")
    assert created and event.actor == agent
    assert event.data == {"channel": "phone", "kind": "incident", "priority": "A", "reason": ticket.priority_reason}


def test_new_request_is_a_frozen_value_with_the_registration_defaults():
    request = NewRequest(organisation=None, subject="Printer")
    assert (request.kind, request.channel, request.received_at, request.language, request.idempotency_key) == (
        "incident", "portal", None, None, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.subject = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        NewRequest(None, "Printer")  # keywords only: no field can be passed in the wrong place


def test_one_request_registers_once_per_idempotency_key():
    request = _request(idempotency_key="portal:1:abc", language="de", reporter_email="ops@example.test")
    ticket, clocks, created = register(request)
    again, no_clocks, created_again = register(dataclasses.replace(request, subject="Sent twice"))
    assert created and not created_again and again.pk == ticket.pk and clocks and not no_clocks
    assert (ticket.language, ticket.reporter_email, ticket.received_at) == ("de", "ops@example.test", f.ams(2026, 12, 1, 9, 0))


def test_a_batch_of_new_requests_registers_like_one_by_one():
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "small")
    batch = [_request(organisation=org, agreement=agreement, subject=f"Mail {i}", channel="email") for i in range(3)]
    with transaction.atomic():
        tickets = register_tickets(batch)
    single, _ = create_ticket(_request(organisation=org, agreement=agreement, subject="Mail 3", channel="email"))
    for ticket in tickets:
        assert (ticket.priority, ticket.channel, ticket.next_due_at) == (single.priority, "email", single.next_due_at)
        assert ticket.clocks.count() == 2
        assert TicketEvent.objects.get(ticket=ticket, kind="created").data == TicketEvent.objects.get(
            ticket=single, kind="created").data


def test_a_bad_request_in_a_batch_keeps_nothing():
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "small")
    with pytest.raises(TicketError), transaction.atomic():
        register_tickets([_request(organisation=org, agreement=agreement), _request(organisation=org, agreement=agreement,
                                                                                      kind="no-such-kind")])
    assert not org.tickets.exists()


def test_no_module_writes_ticket_events_around_the_helper():
    """Every event row goes through tickets.events (registration bulk-creates the row that
    events.created builds; the PostgreSQL recompute writes its audit rows in SQL)."""
    direct = re.compile(r"(?<!class )TicketEvent\(|TicketEvent\.objects\.(create|bulk_create|get_or_create|update_or_create)")
    offenders = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
                 if path.name != "events.py" and "migrations" not in path.parts and direct.search(path.read_text())]
    assert offenders == []
