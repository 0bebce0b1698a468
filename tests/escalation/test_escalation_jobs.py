"""The scheduler enqueues each periodic job once per slot; the bulk recompute moves clocks
exactly as the per-ticket engine would and says how many moved."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from meldpunt.contracts.models import ClosedDay
from meldpunt.escalation.models import ScheduledRun
from meldpunt.escalation.scheduler import JOBS, tick
from meldpunt.tickets.clocks import explain, recompute_clocks
from meldpunt.tickets.recompute import recompute_calendar
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def test_every_job_is_enqueued_once_per_slot_however_many_schedulers_tick():
    now = datetime(2026, 3, 1, 5, 30, 20, tzinfo=UTC)  # 06:30 in Amsterdam on the 1st
    first = tick(now)
    assert set(first) == {job.name for job in JOBS}  # invoice run: within a day of its slot
    assert tick(now) == [] and tick(now + timedelta(seconds=30)) == []  # a second scheduler, same slots
    assert set(tick(now + timedelta(minutes=1))) == {"alert-scan", "mail-poll", "follow-ups", "requeue-orphans"}
    assert set(tick(now + timedelta(minutes=5))) == {"alert-scan", "mail-poll", "follow-ups", "requeue-orphans",
                                                     "mail-send", "booking-reminders"}
    invoice = ScheduledRun.objects.get(job="invoice-run")
    task = DBTaskResult.objects.get(pk=invoice.task_id)
    assert task.task_path == "meldpunt.billing.tasks.invoice_month" and task.args_kwargs["kwargs"] == {"month": "2026-02"}
    assert ScheduledRun.objects.filter(job="alert-scan").count() == 3


def test_a_monthly_run_is_not_caught_up_weeks_late():
    assert "invoice-run" not in tick(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))


def test_bulk_recompute_moves_the_clocks_that_span_the_closed_day_like_the_engine_does():
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "small")
    spanning, later = [
        create_ticket(NewRequest(organisation=org, agreement=agreement, subject=f"Ticket {i}", impact="organisation",
                                 urgency="high", received_at=received))[0]
        for i, received in enumerate([f.ams(2026, 12, 23, 10, 0), f.ams(2027, 1, 5, 10, 0)])
    ]
    ClosedDay.objects.create(vendor="erpm", calendar="workdays", date=date(2026, 12, 24), reason="Christmas Eve")
    report = recompute_calendar(vendor="erpm", calendar="workdays", days=[date(2026, 12, 24)])
    assert report.moved >= 1 and report.tickets == 1  # only the ticket that spans the day
    resolution = spanning.clocks.get(metric="resolution")
    assert resolution.due_at == f.ams(2026, 12, 28, 10, 0)
    assert resolution.explanation == []  # not written in bulk: derived when read
    assert "Skipped closed day: Thursday 24 December 2026, Christmas Eve" in explain(resolution, "en")
    assert "Overgeslagen gesloten dag: donderdag 24 december 2026, Christmas Eve" in explain(resolution, "nl")
    # The per-ticket engine agrees with every stored clock, and with the explanation read.
    for ticket in (spanning, later):
        stored = {c.metric: (c.due_at, explain(c, "en")) for c in ticket.clocks.all()}
        assert {c.metric: (c.due_at, c.explanation) for c in recompute_clocks(ticket)} == stored
    assert spanning.events.filter(kind="clock").count() == 1
    # Nothing left to move: a second run moves nothing.
    assert recompute_calendar(vendor="erpm", calendar="workdays").moved == 0
