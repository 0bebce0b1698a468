"""Background work of bookings (django-tasks-db; run ``meldpunt db_worker``).

Booking mail is sent by the outbox's task and retried by its ``mail-send`` job
(``intake.outbox``); this module only queues the reminders that are due.
"""

from __future__ import annotations

from django.tasks import task

from meldpunt.bookings import services


@task()
def send_booking_reminders() -> int:
    """Queue the reminders that are due (each once); schedule it every few minutes."""
    return services.send_due_reminders()
