"""Background work of upgrades: the scheduler's daily ``upgrade-reminders`` job runs
:func:`send_upgrade_reminders`; each reminder is queued once, the mail sent by the outbox."""

from __future__ import annotations

from datetime import date

from django.tasks import task

from meldpunt.upgrades import services


@task()
def send_upgrade_reminders(today: str | None = None) -> dict:
    return services.send_upgrade_reminders(date.fromisoformat(today) if today else None).as_dict()
