"""Background jobs of the tickets app (django-tasks-db)."""

from __future__ import annotations

from datetime import date

from django.tasks import task

from meldpunt.tickets import autoclose, recompute, search_index
from meldpunt.tickets.models import Ticket


@task()
def recompute_calendar(vendor: str, calendar: str, days: list[str] | None = None,
                       versions: list[int] | None = None, reason: str = "") -> dict:
    """Move the open clocks on a calendar after it changed (enqueued by ``tickets.calendars``)."""
    report = recompute.recompute_calendar(
        vendor=vendor, calendar=calendar, days=[date.fromisoformat(d) for d in days] if days else None,
        versions=versions, reason=reason,
    )
    return report.as_dict()


@task()
def refresh_search_documents(ticket_field: str, pk: int) -> int:
    """Rewrite the search documents of the tickets of one organisation or contact (after a
    rename; :mod:`meldpunt.tickets.search_receivers`). Returns how many."""
    if ticket_field not in ("organisation", "contact"):
        raise ValueError(f"not a searched relation: {ticket_field}")
    ids = list(Ticket.objects.filter(**{f"{ticket_field}_id": pk}).order_by("pk").values_list("pk", flat=True))
    search_index.refresh(ids)
    return len(ids)


@task()
def close_resolved() -> int:
    """Close the resolved requests whose reopen window is over (:mod:`meldpunt.tickets.autoclose`)."""
    return len(autoclose.close_resolved())
