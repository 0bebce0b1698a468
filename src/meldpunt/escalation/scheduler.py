"""Periodic jobs, enqueued as django tasks once per time slot however many schedulers run.

Each job has a period; the current slot is the start of the period that holds "now" (the
first of the month at 06:00 desk time for the invoice run). A :class:`ScheduledRun` row per
(job, slot) is inserted in the same transaction as the task row, under a unique constraint:
the first scheduler to get there enqueues, every other one gets an IntegrityError and moves
on. A scheduler that was down picks up the current slot when it comes back (no backfill of
older slots; a monthly run is caught up within a day of its slot).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from meldpunt.escalation.models import ScheduledRun

logger = logging.getLogger("meldpunt.scheduler")
MONTHLY = "monthly"


def _previous_month(slot: datetime) -> dict:
    local = timezone.localtime(slot)
    first = local.replace(day=1)
    last_month = first - timedelta(days=1)
    return {"month": f"{last_month:%Y-%m}"}


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # import path of a django task
    every: timedelta | str
    kwargs: Callable[[datetime], dict] = field(default=lambda slot: {})
    grace: timedelta | None = None  # only enqueue within this long after the slot starts

    def slot(self, now: datetime) -> datetime:
        if self.every == MONTHLY:
            local = timezone.localtime(now)
            start = local.replace(day=1, hour=6, minute=0, second=0, microsecond=0)
            if local < start:  # before 06:00 on the 1st: still last month's slot
                start = (start - timedelta(days=1)).replace(day=1)
            return start.astimezone(UTC)
        period = int(self.every.total_seconds())
        return datetime.fromtimestamp(int(now.timestamp()) // period * period, UTC)


JOBS: tuple[Job, ...] = (
    Job("alert-scan", "meldpunt.escalation.tasks.scan_alerts", timedelta(minutes=1)),
    Job("alert-sweep", "meldpunt.escalation.tasks.scan_alerts", timedelta(hours=1), lambda slot: {"full": True}),
    Job("mail-poll", "meldpunt.intake.tasks.poll_mailboxes", timedelta(minutes=1)),
    # The one retry of the one outbox: customer, idea, release, report, booking and staff mail.
    Job("mail-send", "meldpunt.intake.tasks.send_pending_mail", timedelta(minutes=5)),
    # Registrations enqueue their own follow-up; this catches one whose run failed.
    Job("follow-ups", "meldpunt.triage.tasks.follow_up", timedelta(minutes=1)),
    Job("requeue-orphans", "meldpunt.escalation.tasks.requeue_orphans", timedelta(minutes=1)),
    Job("invoice-run", "meldpunt.billing.tasks.invoice_month", MONTHLY, _previous_month, grace=timedelta(days=1)),
    Job("booking-reminders", "meldpunt.bookings.tasks.send_booking_reminders", timedelta(minutes=5)),
    # Issue 19: a resolved request closes when its catalog's reopen window is over.
    Job("auto-close", "meldpunt.tickets.tasks.close_resolved", timedelta(hours=1)),
    Job("proposal-expiry", "meldpunt.triage.tasks.expire_old_proposals", timedelta(hours=1)),
    # The task itself sends each coordinator's quarterly report once; running it daily is cheap.
    Job("quarterly-reports", "meldpunt.reports.tasks.mail_quarterly_reports", timedelta(days=1)),
    # Seed 000: a yearly upgrade reminder per product; each is queued once, so daily is cheap.
    Job("upgrade-reminders", "meldpunt.upgrades.tasks.send_upgrade_reminders", timedelta(days=1)),
    # Retention (meldpunt.escalation.retention): old rows go daily, in chunks.
    Job("prune", "meldpunt.escalation.tasks.prune", timedelta(days=1)),
)


def tick(now: datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[str]:
    """Enqueue every job whose current slot has no run yet; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs:
        slot = job.slot(now)
        if job.grace is not None and now - slot > job.grace:
            continue
        if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                result = import_string(job.task).enqueue(**job.kwargs(slot))
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:  # another scheduler took this slot
            continue
        logger.info("enqueued %s for %s", job.name, slot.isoformat())
        enqueued.append(job.name)
    return enqueued


def seconds_to_next_minute(now: datetime | None = None) -> float:
    now = now or timezone.now()
    return 60 - (now.second + now.microsecond / 1e6)
