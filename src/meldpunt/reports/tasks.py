"""Background work on Django's tasks framework (django-tasks-db; run ``meldpunt db_worker``).

The scheduler is not this app's: it enqueues :func:`mail_quarterly_reports` early in each
quarter (e.g. 1 January, April, July, October); without a period the task reports on the
quarter before ``today``.
"""

from __future__ import annotations

from datetime import date

from django.tasks import task

from meldpunt.reports.services import mail_quarter


@task()
def mail_quarterly_reports(period: str | None = None, today: str | None = None) -> dict:
    return mail_quarter(period=period, today=date.fromisoformat(today) if today else None).as_dict()
