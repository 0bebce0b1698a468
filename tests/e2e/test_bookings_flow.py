"""Book, move and cancel a paid session in a real browser (issue 10), in Dutch.

A contact picks a length and a free time in the portal and books; the manage page (the
link from the confirmation mail) moves the session to another time and then cancels it.
The agent sees the booking in the console. The slot is freed again after cancelling.
"""

from __future__ import annotations

import re
from datetime import time

import pytest

from meldpunt.bookings.models import BookedUnit, Booking
from meldpunt.bookings.services import publish_availability
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER_PW = "pw-customer-123"
AGENT_PW = "pw-agent-123"


@pytest.fixture
def desk():
    org = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(org, username="jan", language="nl")
    agreement = f.agreement(org, "invantive", "subscription", coordinator=jan)
    agent = f.staff_user("anna")
    for weekday in range(5):
        publish_availability(agent=agent, vendor="invantive", weekday=weekday, starts=time(9), ends=time(17),
                             hourly_rate="120.00")
    return {"jan": jan, "agent": agent, "agreement": agreement}


def test_book_reschedule_and_cancel_a_session(session, desk):
    klant = session(locale="nl-NL")
    klant.login("jan", CUSTOMER_PW)
    page = klant.page
    with page.expect_navigation():
        page.click("header nav a[href='/bookings/portal/mine/']")
    with page.expect_navigation():
        page.click("main a.button")  # "Sessie boeken"
    assert page.url.endswith("/bookings/portal/")
    assert "kosteloos tot 24 uur voor de start" in page.inner_text("main")

    # A one-hour session: choosing the length shows the free times for it.
    with page.expect_navigation():
        page.select_option("#id_length", "60")
    options = page.locator("#id_slot option:not([value=''])")
    assert options.count() > 10
    # Issue 21: the length form collapsed out of its box (an inline form in a flex block).
    # Laid out as the filter block it is styled as, its white box holds the select.
    assert page.eval_on_selector("#length-form", "e => getComputedStyle(e).display") == "flex"
    first_label = options.nth(0).inner_text()
    assert re.fullmatch(r"\d\d:\d\d–\d\d:\d\d", first_label)
    # A day a few service days ahead, so moving and cancelling are still free.
    third_day = page.locator("#id_slot optgroup").nth(2)
    page.select_option("#id_slot", third_day.locator("option").nth(1).get_attribute("value"))
    page.fill("#id_topic", "Draaitabellen in Excel")
    page.fill("#id_details", "Hoe haal ik de omzet per filiaal op?")
    klant.shot("portal-booking.png")
    klant.submit("#book")
    page.wait_for_url(re.compile(r"/bookings/manage/[^/]+/$"))
    booking = Booking.objects.get()
    assert "Uw sessie is geboekt" in page.inner_text(".flash")
    assert page.inner_text("#booking-ref") == booking.reference
    assert page.inner_text("#booking-status") == "Bevestigd"
    assert (booking.minutes, booking.contact, booking.language, booking.sequence) == (60, desk["jan"], "nl", 0)
    first_start = booking.starts_at

    # Move it to another free time.
    fourth_day = page.locator("#reschedule #id_slot optgroup").nth(3)
    page.select_option("#reschedule #id_slot", fourth_day.locator("option").nth(2).get_attribute("value"))
    klant.submit("#reschedule button[type=submit]")
    assert "Uw sessie is verzet" in page.inner_text(".flash")
    booking.refresh_from_db()
    assert booking.starts_at != first_start and booking.sequence == 1

    # The agent sees it in the console.
    agent = session(locale="nl-NL")
    agent.login("anna", AGENT_PW)
    agent.go("/bookings/console/")
    assert "Draaitabellen in Excel" in agent.page.inner_text("#upcoming")

    # Cancel it: free more than 24 hours ahead, and the time is free again.
    klant.submit("#cancel button[type=submit]")
    assert "Uw sessie is geannuleerd" in page.inner_text(".flash")
    assert page.inner_text("#booking-status") == "Geannuleerd"
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_late, booking.sequence) == ("cancelled", False, 2)
    assert not BookedUnit.objects.exists()
    assert not page.locator("#cancel").count()
