"""Booking mail: confirmation, reschedule, cancellation and reminder, each with an invite.

Like the intake outbox (``intake.outbox``), every mail is first written as a row in the
transaction that caused it and sent through ``mailers.default`` after the commit by a task;
a failed send stays in the table and :func:`send_pending` retries it. Mail is written in
the booking's language (the contact's, or the language the prospect booked in). The subject
holds the topic the customer typed: it is made one safe header line
(:mod:`meldpunt.core.mailheaders`) before the row is written.
"""

from __future__ import annotations

from email.message import MIMEPart

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from meldpunt.bookings import ics
from meldpunt.bookings.models import Booking, BookingMail
from meldpunt.core.mailheaders import header_text
from meldpunt.core.vocabulary import supported_language
from meldpunt.intake.outbox import deliver, new_message_id

TOKEN_SALT = "meldpunt.bookings.manage"


def manage_token(booking: Booking) -> str:
    """A signed token for the reschedule and cancel page (django.core.signing).

    It carries the booking id and its invite UID, so a guessed id is useless and a token
    only ever opens the booking it was made for.
    """
    return signing.dumps({"b": booking.pk, "u": booking.uid}, salt=TOKEN_SALT, compress=True)


def booking_from_token(token: str) -> Booking | None:
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return Booking.objects.select_related("agent", "agreement__catalog", "organisation").filter(
        pk=data.get("b"), uid=data.get("u")).first()


def site_url(booking: Booking) -> str:
    return (getattr(settings, "MELDPUNT_SITE_URL", "") or booking.site_url or "http://localhost:8000").rstrip("/")


def manage_url(booking: Booking) -> str:
    return site_url(booking) + reverse("bookings:manage", args=[manage_token(booking)])


def from_address(vendor: str) -> str:
    from meldpunt.intake.models import Mailbox  # read only: the vendor's reply address

    box = Mailbox.objects.filter(active=True, vendor=vendor).only("reply_address").first()
    return box.reply_address if box else getattr(settings, "MELDPUNT_MAIL_FROM", "support@meldpunt.test")


def vendor_name(booking: Booking) -> str:
    from meldpunt.contracts.models import CatalogVersion

    if booking.agreement_id:
        return booking.agreement.catalog.name
    version = CatalogVersion.objects.filter(vendor=booking.vendor).order_by("-loaded_at", "-id").first()
    return version.name if version else booking.vendor


def agent_name(booking: Booking) -> str:
    return booking.agent.get_full_name() or booking.agent.get_username()


def queue(booking: Booking, kind: str, *, fee: str = "") -> BookingMail:
    """Write a mail for the booking to the outbox; it is sent after the commit."""
    from meldpunt.bookings.selectors import settings_for

    language = supported_language(booking.language)
    rules = settings_for(booking)
    zone = timezone.get_default_timezone()
    sender = from_address(booking.vendor)
    link = manage_url(booking)
    context = {
        "b": booking, "reference": booking.reference, "name": booking.name,
        # One line: the template's first line (the subject) holds it, so a line break in it
        # would push the rest of the subject into the body.
        "topic": header_text(booking.topic, limit=None),
        "starts": timezone.localtime(booking.starts_at, zone), "ends": timezone.localtime(booking.ends_at, zone),
        "zone": str(zone), "agent": agent_name(booking), "vendor": vendor_name(booking), "link": link,
        "free_hours": rules.cancel_free_hours if rules else 24, "fee": fee,
        "fee_minutes": rules.late_fee_minutes if rules else 30,
    }
    with translation.override(language):
        text = render_to_string(f"bookings/mail/{kind}_{language}.txt", context)
        summary = render_to_string(f"bookings/mail/summary_{language}.txt", context).strip()
    subject, _, body = text.partition("\n")
    method = "CANCEL" if kind == "cancelled" else "REQUEST"
    invite = ics.invite(
        uid=booking.uid, sequence=booking.sequence, method=method, starts=booking.starts_at, ends=booking.ends_at,
        summary=summary, description=f"{booking.topic}\n\n{link}", organizer_email=sender,
        organizer_name=context["vendor"], attendee_email=booking.email, attendee_name=booking.name, url=link,
    )
    mail = BookingMail.objects.create(
        booking=booking, kind=kind, to=booking.email, from_address=sender,
        message_id=new_message_id(f"b{booking.pk}", sender.rpartition("@")[2]),
        subject=header_text(subject), body=body.strip() + "\n", ics=invite, ics_method=method,
    )
    transaction.on_commit(lambda: _send_later(mail.pk))
    return mail


def _send_later(mail_id: int) -> None:
    from meldpunt.bookings.tasks import send_booking_mail

    send_booking_mail.enqueue(mail_id)


def _invite_part(text: str, method: str) -> MIMEPart:
    part = MIMEPart()
    part.set_content(text, subtype="calendar", charset="utf-8", params={"method": method},
                     disposition="attachment", filename="invite.ics")
    return part


def send(mail_id: int) -> bool:
    """Send one booking mail if not sent yet; True when it went out."""
    with transaction.atomic():
        mail = BookingMail.objects.select_for_update().filter(pk=mail_id, sent_at__isnull=True).first()
        if mail is None:
            return False
        message = EmailMessage(mail.subject, mail.body, mail.from_address, [mail.to],
                               headers={"Message-ID": mail.message_id, "Auto-Submitted": "auto-generated"})
        if mail.ics:
            message.attach(_invite_part(mail.ics, mail.ics_method))
        return deliver(mail, message)


def send_pending(limit: int = 200) -> int:
    ids = list(BookingMail.objects.filter(sent_at__isnull=True, attempts__lt=20)
               .order_by("id").values_list("pk", flat=True)[:limit])
    return sum(send(pk) for pk in ids)
