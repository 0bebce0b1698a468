"""Hostile text in a header never stops a mail, and no mail after a commit is lost.

A ticket subject, an idea title, a booking topic and an organisation name with a CR/LF and a
forged ``Bcc:`` line: every kind of mail Meldpunt sends (customer, staff, booking, idea
follower, critical fix, evaluation report) reaches the real SMTP sink with one single-line
subject and no injected header. A send that fails (SMTP down) stays in its outbox and the
scheduled retry sends it.
"""

from __future__ import annotations

from datetime import date

import pytest

from meldpunt.bookings.services import book_session
from meldpunt.escalation.models import Duty
from meldpunt.escalation.services import scan_alerts
from meldpunt.intake.models import OutboundMail
from meldpunt.intake.outbox import send_pending
from meldpunt.intake.tasks import send_pending_mail
from meldpunt.knowledge.ideas import set_status, submit_idea, vote
from meldpunt.knowledge.models import Product, Release
from meldpunt.knowledge.releases import announce_critical_fix, set_opt_in
from meldpunt.reports.models import ReportDelivery
from meldpunt.reports.services import mail_quarter
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, assign_ticket
from tests.support import factories as f
from tests.support.bookings_setup import invantive_desk

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = "Orders stuck\r\nBcc: x@evil.test"
SAFE = "Orders stuck Bcc: x@evil.test"


def assert_one_clean_line(message) -> None:
    """No header was injected: no Bcc, and no header value holds a line break."""
    assert message.get_all("Bcc") is None and message.get_all("bcc") is None
    assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
    head = message.as_bytes().replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]  # the top headers
    assert b"\nBcc:" not in head and not head.startswith(b"Bcc:")


@pytest.fixture
def smtp_down(settings, smtp_sink):
    """Switch the mailer to a port where nothing listens, and back (a function pair)."""
    working = settings.MAILERS

    def down() -> None:
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}

    def up() -> None:
        settings.MAILERS = working

    return down, up


def test_customer_mail_about_a_hostile_subject_goes_out_on_one_line(smtp_sink):
    org = f.organisation("Northwind", language="en")
    emma = f.contact(org, username="emma")
    agreement = f.agreement(org, "erpm", "small", coordinator=emma)
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=emma, subject=HOSTILE,
                                         impact="organisation", urgency="high"))
    add_message(ticket, "We are on it.", author=f.staff_user())
    confirmation, reply = smtp_sink.wait_for(2)
    for message in (confirmation, reply):
        assert_one_clean_line(message)
        assert message["To"] == emma.email
    assert SAFE in confirmation["Subject"] and reply["Subject"] == f"Re: [#{ticket.pk}] {SAFE}"
    assert not OutboundMail.objects.filter(sent_at__isnull=True).exists()


def test_staff_mail_about_a_hostile_subject_goes_out_and_a_failed_send_is_retried(smtp_sink, smtp_down):
    down, up = smtp_down
    assignee, lead = f.staff_user("assignee"), f.staff_user("lead")
    Duty.objects.create(vendor="erpm", role="team_lead", user=lead)
    org = f.organisation()
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org, "erpm", "small"), subject=HOSTILE,
                                         impact="organisation", urgency="high", received_at=f.ams(2026, 3, 12, 9, 0)))
    assign_ticket(ticket, assignee, actor=assignee)  # taken by the assignee: no assignment mail
    scan_alerts(now=f.ams(2026, 3, 12, 9, 0))
    down()
    scan_alerts(now=f.ams(2026, 3, 12, 10, 45))  # the response's 80 % point: the assignee is warned
    pending = OutboundMail.objects.get(kind="staff_alert")
    assert pending.sent_at is None and pending.attempts == 1 and pending.last_error
    assert SAFE in pending.subject and "\n" not in pending.subject  # safe before the row was written
    up()
    assert send_pending_mail.enqueue().return_value == 1  # the scheduler's one mail-send job
    [sent] = smtp_sink.wait_for(1)
    assert_one_clean_line(sent)
    assert sent["To"] == "assignee@vendor.test" and SAFE in sent["Subject"]
    assert send_pending() == 0


def test_a_row_written_before_the_sanitizer_still_goes_out(smtp_sink):
    """Rows queued by an older version (a line break in the subject) no longer fail forever."""
    org = f.organisation()
    emma = f.contact(org)
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org, "erpm", "small"), contact=emma,
                                         subject="Plain"))
    smtp_sink.wait_for(1)
    old = OutboundMail.objects.create(ticket=ticket, kind="reply", message_id="<old-1@meldpunt.test>",
                                      from_address="support@meldpunt.test", to=emma.email, subject=HOSTILE,
                                      body="Hello\n")
    assert send_pending() == 1
    sent = smtp_sink.wait_for(2)[-1]
    assert_one_clean_line(sent)
    assert sent["Subject"] == SAFE
    old.refresh_from_db()
    assert old.sent_at is not None


def test_booking_mail_with_a_hostile_topic_goes_out_on_one_line(smtp_sink):
    desk = invantive_desk(language="en")
    booking = book_session(
        vendor="invantive", agent_id=desk["agent"].pk, starts_at=f.ams(2027, 6, 9, 10), minutes=30,
        topic="Excel\r\nBcc: x@evil.test", name="", email="", language="en", contact=desk["jan"],
        agreement=desk["agreement"], now=f.ams(2027, 6, 7, 9),
    ).booking
    [sent] = smtp_sink.wait_for(1)
    assert_one_clean_line(sent)
    assert sent["Subject"] == f"Your session is booked [{booking.reference}] Excel Bcc: x@evil.test"
    assert booking.mails.get().sent_at is not None and send_pending() == 0


def test_idea_follower_mail_is_in_the_outbox_goes_out_on_one_line_and_is_retried(smtp_sink, smtp_down):
    down, up = smtp_down
    org = f.organisation("Epsilon BV", language="en")
    author = f.contact(org, username="ilse")
    f.agreement(org, "erpm", "small", coordinator=author)
    idea = submit_idea(author=author.user, title="Export\r\nBcc: x@evil.test", body="One click export.")
    voter = f.contact(org, username="victor", coordinator=False)
    vote(idea=idea, user=voter.user)
    down()
    assert set_status(idea=idea, status="planned", reply="In 25.1.", actor=f.staff_user()) == 2
    queued = list(OutboundMail.objects.filter(kind="idea").order_by("to"))
    assert [m.to for m in queued] == sorted([author.email, voter.email])
    assert all(m.ticket_id is None and m.sent_at is None and m.attempts == 1 and m.last_error for m in queued)
    assert queued[0].subject == "Idea “Export Bcc: x@evil.test”: Planned"
    up()
    assert send_pending_mail.enqueue().return_value == 2  # the scheduler's mail-send job
    sent = smtp_sink.wait_for(2)
    assert sorted(m["To"] for m in sent) == sorted([author.email, voter.email])
    for message in sent:
        assert_one_clean_line(message)
        assert message["Subject"] == "Idea “Export Bcc: x@evil.test”: Planned"
        assert message["Auto-Submitted"] == "auto-generated"
    assert send_pending() == 0


def test_a_critical_fix_goes_through_the_outbox(smtp_sink):
    product = Product.objects.create(vendor="infor", slug="ln", name="Infor LN")
    release = Release.objects.create(product=product, version="10.7", released_on=date(2026, 9, 1))
    org = f.organisation("Acme", language="en")
    opted = f.contact(org, username="opted")
    f.agreement(org, "infor", "xtreme")
    set_opt_in(contact=opted, on=True)
    announce_critical_fix(release=release, title="Posting\r\nBcc: x@evil.test", body="Install 10.7.1.",
                          actor=f.staff_user())
    [sent] = smtp_sink.wait_for(1)
    assert_one_clean_line(sent)
    assert sent["To"] == opted.email and sent["Subject"] == "Critical fix for Infor LN 10.7: Posting Bcc: x@evil.test"
    assert OutboundMail.objects.get(kind="release").sent_at is not None


def test_the_report_mail_goes_through_the_outbox_with_its_pdf_and_is_retried(smtp_sink, smtp_down):
    down, up = smtp_down
    org = f.organisation("Alpha\r\nBcc: x@evil.test", language="en")
    coordinator = f.contact(org)
    f.agreement(org, "erpm", "small", coordinator=coordinator, starts_on=date(2026, 1, 1))
    down()
    result = mail_quarter(period="2026Q3")
    assert result.failed == [] and len(result.sent) == 1
    pending = OutboundMail.objects.get(kind="report")
    assert pending.sent_at is None and pending.attempts == 1 and pending.attachment_name.endswith("-2026Q3.pdf")
    assert ReportDelivery.objects.get().sent_to == coordinator.email
    assert mail_quarter(period="2026Q3").sent == []  # queued once: a second run adds nothing
    up()
    assert send_pending() == 1
    [sent] = smtp_sink.wait_for(1)
    assert_one_clean_line(sent)
    assert sent["Subject"] == "Evaluation report 2026Q3 – Alpha Bcc: x@evil.test"
    [pdf] = [part for part in sent.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert pdf.get_content().startswith(b"%PDF")
