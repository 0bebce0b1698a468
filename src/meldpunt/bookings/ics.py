"""The iCalendar invite attached to booking mail (RFC 5545 / iTIP RFC 5546).

One UID per booking for its whole life; SEQUENCE rises on every reschedule and on the
cancellation, so a calendar program replaces the event it has instead of adding a second
one. METHOD:REQUEST for a new or moved session, METHOD:CANCEL when it is called off.
Times are written in UTC (``…Z``): every calendar program reads them without needing a
VTIMEZONE block.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText


def invite(
    *,
    uid: str,
    sequence: int,
    method: str,
    starts: datetime,
    ends: datetime,
    summary: str,
    description: str,
    organizer_email: str,
    organizer_name: str,
    attendee_email: str,
    attendee_name: str,
    url: str = "",
    stamp: datetime | None = None,
) -> str:
    """The text of a one-event VCALENDAR with ``method`` REQUEST or CANCEL."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError("method must be REQUEST or CANCEL")
    cal = Calendar()
    cal.add("prodid", "-//Meldpunt//Bookings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", starts.astimezone(UTC))
    event.add("dtend", ends.astimezone(UTC))
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if url:
        event.add("url", url)
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(organizer_name)
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["cn"] = vText(attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical().decode("utf-8")
