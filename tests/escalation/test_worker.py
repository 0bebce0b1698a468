"""The background worker (django-tasks-db) moves open clocks after a closed day is added."""

import pytest
from django.core.management import call_command

from meldpunt.contracts.models import ClosedDay
from meldpunt.tickets.clocks import explain
from meldpunt.tickets.models import TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.tasks import recompute_calendar
from tests.support import factories as f


@pytest.mark.django_db(transaction=True)
def test_closed_day_moves_open_clocks_through_the_database_worker():
    org = f.organisation()
    agr = f.agreement(org, "erpm", "small")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agr, subject="Stock wrong", impact="organisation",
                                         urgency="high", received_at=f.ams(2026, 12, 23, 10, 0)))
    assert ticket.clocks.get(metric="resolution").due_at == f.ams(2026, 12, 24, 10, 0)

    ClosedDay.objects.create(vendor="erpm", calendar="workdays", date=f.ams(2026, 12, 24, 0, 0).date(), reason="Christmas Eve")
    result = recompute_calendar.enqueue(vendor="erpm", calendar="workdays", days=["2026-12-24"])
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value["tickets"] == 1
    resolution = ticket.clocks.get(metric="resolution")
    # 24th closed, 25th Christmas, weekend: 7 h left on the 23rd, 1 h on Mon the 28th
    assert resolution.due_at == f.ams(2026, 12, 28, 10, 0)
    assert "Skipped closed day: Thursday 24 December 2026, Christmas Eve" in explain(resolution, "en")
    assert TicketEvent.objects.filter(ticket=ticket, kind="clock").exists()
