"""Booking mail through a real SMTP server (aiosmtpd): the invite parsed back with icalendar.

Book, move and cancel one session; each mail carries an invite with the same UID and a
rising SEQUENCE — REQUEST, REQUEST, CANCEL — in the customer's language.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from icalendar import Calendar

from meldpunt.bookings.mail import booking_from_token, manage_token
from meldpunt.bookings.services import book_session, cancel, reschedule
from meldpunt.intake.models import OutboundMail
from meldpunt.intake.outbox import send_pending
from tests.support import factories as f
from tests.support.bookings_setup import invantive_desk

pytestmark = pytest.mark.django_db(transaction=True)

NOW = f.ams(2027, 6, 7, 9)
SLOT = f.ams(2027, 6, 9, 10)


def _invite(message):
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.iter_attachments()]
    part = parts[0]
    return part, Calendar.from_ical(part.get_content())


def test_invites_are_sent_and_parse_back(smtp_sink):  # noqa: F811
    desk = invantive_desk(language="nl")
    jan = desk["jan"]
    booking = book_session(
        vendor="invantive", agent_id=desk["agent"].pk, starts_at=SLOT, minutes=90, topic="Excel-koppeling",
        name="", email="", language=jan.language, contact=jan, agreement=desk["agreement"],
        site_url="https://desk.example.test/", now=NOW,
    ).booking

    first = smtp_sink.wait_for(1)[0]
    assert first["To"] == jan.email
    assert first["Subject"] == f"Uw sessie is geboekt [{booking.reference}] Excel-koppeling"
    body = first.get_body(("plain",)).get_content()
    assert "woensdag 9 juni 2027, 10:00–11:30" in body and "Anna de Boer" in body
    assert "https://desk.example.test/bookings/manage/" in body
    part, cal = _invite(first)
    assert part.get_param("method") == "REQUEST"
    assert cal["METHOD"] == "REQUEST" and cal["VERSION"] == "2.0"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == booking.uid and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == SLOT.astimezone(UTC)
    assert event.decoded("DTEND") == (SLOT + timedelta(minutes=90)).astimezone(UTC)
    assert str(event["ATTENDEE"]) == f"mailto:{jan.email}"
    assert str(event["ORGANIZER"]).startswith("mailto:") and event["ORGANIZER"].params["CN"] == "Invantive"
    assert booking.reference in str(event["SUMMARY"]) and event["STATUS"] == "CONFIRMED"

    # The link in the mail opens exactly this booking.
    token = body.split("/bookings/manage/")[1].split("/")[0]
    assert booking_from_token(token).pk == booking.pk == booking_from_token(manage_token(booking)).pk
    assert booking_from_token(token[:-2] + "xx") is None

    reschedule(booking=booking, starts_at=SLOT + timedelta(days=1), now=NOW)
    moved = smtp_sink.wait_for(2)[1]
    assert moved["Subject"].startswith("Uw sessie is verzet")
    _part, cal = _invite(moved)
    event = cal.walk("VEVENT")[0]
    assert (cal["METHOD"], str(event["UID"]), int(event["SEQUENCE"])) == ("REQUEST", booking.uid, 1)
    assert event.decoded("DTSTART") == (SLOT + timedelta(days=1)).astimezone(UTC)

    cancel(booking=booking, now=NOW)
    cancelled = smtp_sink.wait_for(3)[2]
    assert cancelled["Subject"].startswith("Uw sessie is geannuleerd")
    part, cal = _invite(cancelled)
    event = cal.walk("VEVENT")[0]
    assert part.get_param("method") == "CANCEL"
    assert (cal["METHOD"], str(event["UID"]), int(event["SEQUENCE"]), event["STATUS"]) == (
        "CANCEL", booking.uid, 2, "CANCELLED")
    assert [m.kind for m in booking.mails.order_by("id")] == ["booking_confirmation", "booking_rescheduled", "booking_cancelled"]
    assert OutboundMail.objects.filter(sent_at__isnull=True).count() == 0


def test_a_prospect_gets_english_mail_and_a_failed_send_is_retried(smtp_sink, settings):  # noqa: F811
    desk = invantive_desk()
    real = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}
    booking = book_session(
        vendor="invantive", agent_id=desk["agent"].pk, starts_at=SLOT, minutes=30, topic="Trial questions",
        name="Petra Prospect", email="petra@example.test", language="en", now=NOW,
    ).booking
    mail = booking.mails.get()
    assert mail.sent_at is None and mail.attempts == 1 and mail.last_error
    settings.MAILERS = real
    assert send_pending() == 1
    received = smtp_sink.wait_for(1)[0]
    assert received["Subject"] == f"Your session is booked [{booking.reference}] Trial questions"
    assert "Wednesday 9 June 2027, 10:00–10:30" in received.get_body(("plain",)).get_content()
    _part, cal = _invite(received)
    assert str(cal.walk("VEVENT")[0]["ATTENDEE"]) == "mailto:petra@example.test"
