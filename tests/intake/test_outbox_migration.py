"""Intake 0007 moves staff and booking mail into the one outbox (and back), on both databases.

Back at the old schema the outbox's staff and booking rows return to ``escalation.StaffMail``
and ``bookings.BookingMail``; an older booking mail written there by the old code then moves
forward with its times, attempts and invite; the old tables are dropped; and the moved
unsent mail goes out through the one retry.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from meldpunt.bookings.services import book_session
from meldpunt.escalation.models import Notification
from meldpunt.escalation.services import scan_alerts
from meldpunt.intake import outbox
from meldpunt.intake.models import OutboundMail
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import assign_ticket
from tests.support import factories as f
from tests.support.bookings_setup import invantive_desk

pytestmark = pytest.mark.django_db(transaction=True)

OLD = [("intake", "0005_held_mail_and_mailbox_errors"), ("bookings", "0001_initial"), ("escalation", "0003_database_cache_table")]
INVITE = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()


def test_staff_and_booking_mail_move_into_the_one_outbox_and_back(smtp_sink, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # nothing sent yet
    desk = invantive_desk(language="en")
    booking = book_session(
        vendor="invantive", agent_id=desk["agent"].pk, starts_at=f.ams(2027, 6, 9, 10), minutes=30,
        topic="Excel link", name="", email="", language="en", contact=desk["jan"], agreement=desk["agreement"],
        now=f.ams(2027, 6, 7, 9),
    ).booking
    assignee = f.staff_user("assignee")
    org = f.organisation()
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org, "erpm", "small"), subject="Down",
                              impact="organisation", urgency="high", received_at=f.ams(2026, 3, 12, 9, 0)))
    assign_ticket(ticket, assignee, actor=assignee)  # taken by themselves: no assignment mail
    scan_alerts(now=f.ams(2026, 3, 12, 9, 0))
    scan_alerts(now=f.ams(2026, 3, 12, 10, 45))
    note = Notification.objects.get(user=assignee)
    idea = outbox.queue_message("idea", to="ilse@customer.test", subject="Idea", body="Planned.")
    staff_before = OutboundMail.objects.get(kind="staff_alert")
    booking_before = booking.mails.get()
    long_ago = timezone.now() - timedelta(days=40)
    try:
        _migrate(OLD)
        old = MigrationExecutor(connection).loader.project_state(OLD).apps
        StaffMail, BookingMail = old.get_model("escalation", "StaffMail"), old.get_model("bookings", "BookingMail")
        [staff] = StaffMail.objects.all()
        assert (staff.notification_id, staff.to, staff.subject, staff.sent_at) == (
            note.pk, "assignee@vendor.test", staff_before.subject, None)
        assert staff.created_at == staff_before.created_at
        [moved_back] = BookingMail.objects.all()
        assert (moved_back.booking_id, moved_back.kind, moved_back.message_id, moved_back.ics_method) == (
            booking.pk, "confirmation", booking_before.message_id, "REQUEST")
        assert moved_back.ics == bytes(booking_before.attachment).decode() and moved_back.ics.startswith("BEGIN:VCALENDAR")
        assert list(old.get_model("intake", "OutboundMail").objects.values_list("pk", flat=True)) == [idea.pk]
        # A reminder the old code sent weeks ago.
        reminder = BookingMail.objects.create(
            booking_id=booking.pk, kind="reminder", message_id="<old-reminder@meldpunt.test>",
            from_address="support@meldpunt.test", to=booking.email, subject="Reminder", body="Tomorrow.\n",
            ics=INVITE, ics_method="REQUEST", sent_at=long_ago, attempts=1)
        BookingMail.objects.filter(pk=reminder.pk).update(created_at=long_ago)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # back to the newest

    tables = connection.introspection.table_names()
    assert "escalation_staffmail" not in tables and "bookings_bookingmail" not in tables
    staff = OutboundMail.objects.get(kind="staff_alert")
    assert (staff.user, staff.about, staff.dedupe_key, staff.to, staff.subject, staff.sent_at) == (
        assignee, note, f"notification:{note.pk}", "assignee@vendor.test", staff_before.subject, None)
    assert staff.created_at == staff_before.created_at
    assert sorted(booking.mails.values_list("kind", flat=True)) == ["booking_confirmation", "booking_reminder"]
    confirmation = booking.mails.get(kind="booking_confirmation")
    assert (confirmation.message_id, bytes(confirmation.attachment), confirmation.attachment_type) == (
        booking_before.message_id, bytes(booking_before.attachment), "text/calendar; method=REQUEST")
    old_reminder = booking.mails.get(kind="booking_reminder")
    assert (old_reminder.created_at, old_reminder.sent_at, old_reminder.attempts) == (long_ago, long_ago, 1)
    assert bytes(old_reminder.attachment).decode() == INVITE and old_reminder.attachment_name == "invite.ics"

    # The moved mail that was never sent goes out through the one retry, once.
    assert outbox.send_pending() == 3  # staff alert, booking confirmation, idea
    sent = smtp_sink.wait_for(3)
    assert sorted(m["To"] for m in sent) == sorted(["assignee@vendor.test", booking.email, "ilse@customer.test"])
    [invite] = [m for m in sent if m["To"] == booking.email]
    [part] = [p for p in invite.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert outbox.send_pending() == 0
