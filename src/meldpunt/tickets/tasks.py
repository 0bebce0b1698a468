"""Background jobs of the tickets app (django-tasks-db)."""

from __future__ import annotations

from datetime import date

from django.tasks import task

from meldpunt.tickets import recompute


@task()
def recompute_calendar(vendor: str, calendar: str, days: list[str] | None = None,
                       versions: list[int] | None = None, reason: str = "") -> dict:
    """Move the open clocks on a calendar after it changed (enqueued by ``tickets.calendars``)."""
    report = recompute.recompute_calendar(
        vendor=vendor, calendar=calendar, days=[date.fromisoformat(d) for d in days] if days else None,
        versions=versions, reason=reason,
    )
    return report.as_dict()
