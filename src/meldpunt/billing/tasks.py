"""Background work on Django's tasks framework (django-tasks-db; run ``meldpunt db_worker``)."""

from __future__ import annotations

from datetime import date

from django.tasks import task

from meldpunt.billing.services import run_month


@task()
def invoice_month(month: str, today: str | None = None, force: str = "", require_profile: bool = False) -> dict:
    """The monthly invoice run (``meldpunt invoice-run --month 2026-10 --enqueue``)."""
    issued = date.fromisoformat(today) if today else None
    return run_month(month=month, today=issued, force=force, require_profile=require_profile).as_dict()
