"""One outbox for every mail Meldpunt sends: one send task after the commit, one retry job.

A customer's confirmation, a staff alert, a booking confirmation with its iCalendar invite,
an idea's status and an evaluation report are all rows of ``intake.OutboundMail``; the only
task that sends after a commit is ``send_outbound_mails`` (the confirmation is sent by the
registration's follow-up on the worker). With the SMTP server down every first try fails and
stays in the outbox; the scheduler's one ``mail-send`` job then sends each mail once, to the
real SMTP sink.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from meldpunt.bookings.services import book_session
from meldpunt.escalation.models import Notification
from meldpunt.escalation.scheduler import JOBS, tick
from meldpunt.escalation.services import scan_alerts
from meldpunt.intake import outbox
from meldpunt.intake.models import OutboundMail
from meldpunt.knowledge.ideas import set_status, submit_idea
from meldpunt.reports.services import mail_quarter
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import assign_ticket
from tests.support import factories as f
from tests.support.bookings_setup import invantive_desk

pytestmark = pytest.mark.django_db(transaction=True)

SEND_TASK = "meldpunt.intake.sending.send_outbound_mails"
FOLLOW_UP = "meldpunt.triage.tasks.follow_up"


def _every_kind():
    """Cause one mail of every kind; returns the ticket, the booking and the staff member."""
    org = f.organisation("Northwind", language="en")
    emma = f.contact(org, username="emma")
    f.agreement(org, "erpm", "small", coordinator=emma, starts_on=date(2026, 1, 1))
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=emma.organisation.agreements.get(), contact=emma,
                              subject="Orders stuck", impact="organisation", urgency="high",
                              received_at=f.ams(2026, 3, 12, 9, 0)))
    assignee = f.staff_user("assignee")
    assign_ticket(ticket, assignee)
    scan_alerts(now=f.ams(2026, 3, 12, 9, 0))
    scan_alerts(now=f.ams(2026, 3, 12, 10, 45))  # the response's 80 % point: the assignee is warned
    idea = submit_idea(author=emma.user, title="Export", body="One click export.")
    set_status(idea=idea, status="planned", reply="In 25.1.", actor=assignee)
    desk = invantive_desk(language="en")
    booking = book_session(
        vendor="invantive", agent_id=desk["agent"].pk, starts_at=f.ams(2027, 6, 9, 10), minutes=60,
        topic="Excel link", name="", email="", language="en", contact=desk["jan"], agreement=desk["agreement"],
        now=f.ams(2027, 6, 7, 9),
    ).booking
    assert mail_quarter(period="2026Q1").failed == []
    return ticket, booking, assignee


def _run_like_a_worker(settings) -> None:
    """Run the enqueued tasks, oldest first, as the worker would."""
    for row in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"):
        import_string(row.task_path).call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL")


def test_every_kind_goes_through_the_one_outbox_and_the_one_retry_job_sends_each_once(smtp_sink, settings):
    working_smtp = settings.MAILERS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ticket, booking, assignee = _every_kind()

    # After the commits only two kinds of task wait: the registration's follow-up (which
    # writes and sends the confirmation) and the one send task for everything else.
    tasks = list(DBTaskResult.objects.all())
    assert {t.task_path for t in tasks} == {FOLLOW_UP, SEND_TASK}
    handed = sorted(pk for t in tasks if t.task_path == SEND_TASK for pk in t.args_kwargs["args"][0])
    assert handed == sorted(OutboundMail.objects.values_list("pk", flat=True))  # every row so far

    # The worker runs them with the SMTP server down: every mail is tried once and kept.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}
    _run_like_a_worker(settings)
    rows = OutboundMail.objects.all()
    kinds = sorted(rows.values_list("kind", flat=True))
    assert {"confirmation", "staff_alert", "booking_confirmation", "idea", "report"} <= set(kinds)
    assert all(m.sent_at is None and m.attempts == 1 and m.last_error for m in rows)
    staff = rows.get(kind="staff_alert")
    assert staff.user == assignee and staff.about == Notification.objects.get(user=assignee)
    assert staff.dedupe_key == f"notification:{staff.about_id}"
    assert booking.mails.get() == rows.get(kind="booking_confirmation")
    assert rows.get(kind="confirmation").ticket == ticket

    # The scheduler's one retry job sends each once; the next slot finds nothing to send.
    settings.MAILERS = working_smtp
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    slot = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
    retry = tuple(job for job in JOBS if job.name == "mail-send")  # the other jobs would cause new mail
    assert tick(slot, retry) == ["mail-send"]
    sent = smtp_sink.wait_for(len(kinds))
    assert not OutboundMail.objects.filter(sent_at__isnull=True).exists()
    assert tick(slot + timedelta(minutes=5), retry) == ["mail-send"]
    assert len(smtp_sink.wait_for(len(kinds) + 1, timeout=1)) == len(kinds) == len(sent)  # none twice
    assert set(OutboundMail.objects.values_list("attempts", flat=True)) == {2}

    by_to = {}
    for message in sent:
        by_to.setdefault(message["To"], []).append(message)
    assigned, alert = sorted(by_to["assignee@vendor.test"], key=lambda m: "warning point" in m["Subject"])
    assert "warning point 80%" in alert["Subject"] and alert["Auto-Submitted"] == "auto-generated"
    assert assigned["Subject"].startswith(f"Request #{ticket.pk} is assigned to you")  # meldpunt.notifications
    [invite] = [m for m in by_to[booking.email] if m["Subject"].startswith("Your session is booked")]
    [part] = [p for p in invite.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert str(Calendar.from_ical(part.get_content()).walk("VEVENT")[0]["UID"]) == booking.uid
    emma_mail = {m["Subject"]: m for m in by_to["emma@customer.test"]}
    confirmation = next(m for s, m in emma_mail.items() if f"#{ticket.pk}" in s)
    assert confirmation["Auto-Submitted"] == "auto-replied"
    report = next(m for s, m in emma_mail.items() if s.startswith("Evaluation report 2026Q1"))
    assert [p.get_content_type() for p in report.iter_attachments()] == ["application/pdf"]
    assert any(s.startswith("Idea") for s in emma_mail)


def test_a_notification_is_mailed_once_the_outbox_refuses_a_second_row():
    staff = f.staff_user("lead")
    first = outbox.queue_message("staff_alert", to=staff.email, subject="Ticket #1", body="x", user=staff,
                                 dedupe_key="notification:1")
    assert first is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        outbox.queue_message("staff_alert", to=staff.email, subject="Ticket #1", body="x", user=staff,
                             dedupe_key="notification:1")
    assert OutboundMail.objects.filter(kind="staff_alert").count() == 1
    # Mail with no such cause has no key, and any number of them may wait.
    for _ in range(2):
        outbox.queue_message("idea", to="a@customer.test", subject="Idea", body="x")
    assert OutboundMail.objects.filter(dedupe_key__isnull=True).count() == 2


def test_the_scheduler_only_enqueues_tasks_that_exist_and_one_mail_retry():
    for job in JOBS:
        assert callable(getattr(import_string(job.task), "enqueue", None)), job.task
    retries = [job.name for job in JOBS if "send_pending" in job.task or "mail-send" in job.name]
    assert retries == ["mail-send"]


def test_the_admin_shows_a_booking_s_mail_from_the_one_outbox(admin_client):
    desk = invantive_desk(language="en")
    booking = book_session(
        vendor="invantive", agent_id=desk["agent"].pk, starts_at=f.ams(2027, 6, 9, 10), minutes=30,
        topic="Excel link", name="", email="", language="en", contact=desk["jan"], agreement=desk["agreement"],
        now=f.ams(2027, 6, 7, 9),
    ).booking
    subject = booking.mails.get().subject
    page = admin_client.get(f"/admin/bookings/booking/{booking.pk}/change/")
    assert page.status_code == 200 and subject in page.content.decode()
    listing = admin_client.get("/admin/intake/outboundmail/?kind=booking_confirmation")
    assert listing.status_code == 200 and subject in listing.content.decode()
