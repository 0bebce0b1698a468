"""Background work of bookings (django-tasks-db; run ``meldpunt db_worker``)."""

from __future__ import annotations

from django.tasks import task

from meldpunt.bookings import mail, services


@task()
def send_booking_mail(mail_id: int) -> bool:
    """Send one booking mail (enqueued after the commit that wrote it)."""
    return mail.send(mail_id)


@task()
def send_booking_reminders() -> int:
    """Queue the reminders that are due and retry unsent booking mail; schedule it every few minutes."""
    queued = services.send_due_reminders()
    mail.send_pending()
    return queued
