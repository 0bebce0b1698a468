"""Background work on Django's tasks framework (django-tasks-db; run ``meldpunt db_worker``)."""

from __future__ import annotations

from django.tasks import task

from meldpunt.tickets.services import recompute_open_clocks


@task()
def recompute_calendar_clocks(vendor: str, calendar: str) -> int:
    """After a vendor edits closed days, move the open clocks that run on that calendar."""
    return recompute_open_clocks(vendor=vendor, calendar=calendar)
