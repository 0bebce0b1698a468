"""Booking mail: confirmation, reschedule, cancellation and reminder, each with an invite.

Every mail is a row in the one outbox (``intake.outbox``, kind ``booking_<kind>``, ``about``
the booking, the invite as its attachment) written in the transaction that caused it; the
outbox's task sends it after the commit and its retry job sends what failed. Mail is written in
the booking's language (the contact's, or the language the prospect booked in). The subject
holds the topic the customer typed: it is made one safe header line
(:mod:`meldpunt.core.mailheaders`) before the row is written.
"""

from __future__ import annotations

from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from meldpunt.bookings import ics
from meldpunt.bookings.models import Booking
from meldpunt.bookings.selectors import settings_for
from meldpunt.contracts.catalogs import newest_version
from meldpunt.core.mailheaders import header_text
from meldpunt.core.vocabulary import supported_language
from meldpunt.intake import outbox
from meldpunt.intake.models import OutboundMail
from meldpunt.links import absolute_url

#: The outbox kind of each booking mail (``booking_`` + the template's name).
KINDS = ("confirmation", "rescheduled", "cancelled", "reminder")

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


def manage_url(booking: Booking) -> str:
    """The booking's manage link: on MELDPUNT_SITE_URL, else on the address it was booked at."""
    return absolute_url(reverse("bookings:manage", args=[manage_token(booking)]),
                        default=booking.site_url or "http://localhost:8000")


def vendor_name(booking: Booking) -> str:
    if booking.agreement_id:
        return booking.agreement.catalog.name
    version = newest_version(booking.vendor)
    return version.name if version else booking.vendor


def agent_name(booking: Booking) -> str:
    return booking.agent.get_full_name() or booking.agent.get_username()


def queue(booking: Booking, kind: str, *, fee: str = "") -> OutboundMail | None:
    """Write a mail for the booking to the outbox (kind ``booking_<kind>``); it is sent after the commit."""
    if kind not in KINDS:
        raise ValueError(f"unknown booking mail {kind!r}")
    language = supported_language(booking.language)
    rules = settings_for(booking)
    zone = timezone.get_default_timezone()
    sender = outbox.from_address(booking.vendor)
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
    mail = outbox.queue_message(
        f"booking_{kind}", to=booking.email, subject=subject, body=body, language=language, sender=sender,
        tag=f"b{booking.pk}", about=booking,
        attachment=("invite.ics", invite.encode("utf-8"), f"text/calendar; method={method}"),
    )
    # None: not one plain address (a quoted local part the form let through). The booking
    # stands; like staff mail to such an address, nothing is queued that could never go out.
    outbox.send_after_commit([mail])
    return mail
