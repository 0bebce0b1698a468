"""The booking pages: public for prospects, portal for contacts, the signed manage link, the console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from meldpunt.bookings import selectors
from meldpunt.bookings.forms import slot_value
from meldpunt.bookings.mail import manage_token
from meldpunt.bookings.models import Availability, Booking
from meldpunt.bookings.services import book_session, record_session
from meldpunt.contracts.services import current_version
from meldpunt.tickets.models import Ticket
from tests.support import factories as f
from tests.support.bookings_setup import invantive_desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return invantive_desk()


def _client(user=None, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def _free(minutes=60):
    version = current_version("invantive")
    return selectors.slots(version, selectors.settings_of(version), minutes)


def test_a_prospect_books_from_the_public_page_and_the_loser_of_a_slot_is_told(desk):
    page = _client().get("/bookings/")
    assert page.status_code == 200 and "/bookings/book/invantive/" in page.content.decode()
    page = _client().get("/bookings/book/invantive/?length=60")
    assert page.status_code == 200
    slot = _free()[0]
    assert slot_value(slot) in page.content.decode()
    data = {"length": "60", "slot": slot_value(slot), "name": "Petra Prospect", "email": "petra@example.test",
            "topic": "Trial questions"}
    done = _client().post("/bookings/book/invantive/", data)
    booking = Booking.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/bookings/manage/{manage_token(booking)}/"
    assert (booking.organisation, booking.name, booking.minutes, booking.language) == (None, "Petra Prospect", 60, "en")
    lost = _client(language="nl").post("/bookings/book/invantive/", {**data, "email": "bob@example.test"})
    assert lost.status_code == 400
    assert "Helaas, iemand anders heeft deze tijd net geboekt" in lost.content.decode()
    assert Booking.objects.count() == 1
    assert _client().get("/bookings/book/erpm/").status_code == 404  # ERP.M offers no sessions


def test_a_contact_books_about_a_request_and_four_hours_goes_to_sales(desk):
    jan = desk["jan"]
    ticket = Ticket.objects.create(organisation=desk["org"], agreement=desk["agreement"], subject="Slow report",
                                   received_at=timezone.now(), kind="question")
    client = _client(jan.user, "nl")
    page = client.get("/bookings/portal/?length=90")
    assert page.status_code == 200 and "Sessie boeken" in page.content.decode()
    slot = _free(90)[0]
    done = client.post("/bookings/portal/", {"length": "90", "slot": slot_value(slot), "topic": "Rapport sneller",
                                              "ticket": ticket.pk})
    assert done.status_code == 302
    booking = Booking.objects.get()
    assert (booking.contact, booking.agreement, booking.ticket, booking.email, booking.language) == (
        jan, desk["agreement"], ticket, jan.email, "nl")

    consultant = client.post("/bookings/portal/", {"length": "240", "topic": "Datawarehouse inrichten"})
    assert consultant.status_code == 200
    request = Ticket.objects.get(kind="consultant")
    assert f"#{request.pk}" in consultant.content.decode() and request.contact == jan
    assert Booking.objects.count() == 1


def test_the_manage_link_moves_and_cancels_and_a_bad_token_is_404(desk):
    slots = _free()
    outcome = book_session(vendor="invantive", agent_id=slots[-1].agent, starts_at=_at(slots[-1]), minutes=60,
                           topic="Q", name="P", email="p@example.test", language="en")
    booking = outcome.booking
    url = f"/bookings/manage/{manage_token(booking)}/"
    assert _client().get(url).status_code == 200
    assert _client().get(url[:-5] + "abcd/").status_code == 404
    moved = _client().post(url, {"action": "reschedule", "slot": slot_value(slots[-3])})
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == _at(slots[-3]) and booking.sequence == 1
    gone = _client().post(url, {"action": "cancel"}, follow=True)
    assert "Your session was cancelled." in gone.content.decode()
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def _at(slot):
    return datetime.fromtimestamp(slot.start, UTC)


def test_coordinators_see_their_organisations_bookings_and_costs_others_do_not(desk):
    colleague = f.contact(desk["org"], coordinator=False)
    stranger_org = f.organisation("Elders BV")
    stranger = f.contact(stranger_org)
    slots = _free(30)
    b1 = book_session(vendor="invantive", agent_id=slots[0].agent, starts_at=_at(slots[0]), minutes=30,
                      topic="Coordinator topic", name="", email="", contact=desk["jan"],
                      agreement=desk["agreement"]).booking
    book_session(vendor="invantive", agent_id=slots[4].agent, starts_at=_at(slots[4]), minutes=30,
                 topic="Colleague topic", name="", email="", contact=colleague, agreement=desk["agreement"])
    record_session(booking=b1, agent=desk["agent"], minutes=31, now=b1.starts_at + timedelta(minutes=40))

    page = _client(desk["jan"].user).get("/bookings/portal/mine/").content.decode()
    assert "Coordinator topic" in page and "Colleague topic" in page
    assert "€120.00" in page  # 31 min → 60 min at €120/h, billed so far
    own = _client(colleague.user).get("/bookings/portal/mine/").content.decode()
    assert "Colleague topic" in own and "Coordinator topic" not in own
    theirs = _client(stranger.user).get("/bookings/portal/mine/").content.decode()
    assert "No bookings yet." in theirs and "topic" not in theirs.replace("<th>Topic</th>", "")
    assert _client(stranger.user).get(f"/bookings/manage/{manage_token(b1)}x/").status_code == 404


def test_the_console_lists_an_agents_bookings_and_records_the_duration(desk):
    slots = _free(60)
    booking = book_session(vendor="invantive", agent_id=desk["agent"].pk, starts_at=_at(slots[0]), minutes=60,
                           topic="Console topic", name="", email="", contact=desk["jan"],
                           agreement=desk["agreement"]).booking
    agent = _client(desk["agent"])
    assert "Console topic" in agent.get("/bookings/console/").content.decode()
    assert _client(desk["jan"].user).get("/bookings/console/").status_code == 404
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - timedelta(hours=2),
                                                 ends_at=timezone.now() - timedelta(hours=1))
    agent.post(f"/bookings/console/{booking.pk}/record/", {"minutes": "61"})
    booking.refresh_from_db()
    assert (booking.status, booking.actual_minutes, booking.time_entry.billed_minutes,
            booking.time_entry.amount) == ("done", 61, 90, Decimal("180.00"))
    assert "180.00" in agent.get("/bookings/console/").content.decode()


def test_agents_publish_hours_only_inside_service_hours(desk):
    agent = _client(desk["agent"], "nl")
    Availability.objects.all().delete()
    refused = agent.post("/bookings/console/availability/", {"vendor": "invantive", "weekday": "5",
                                                             "starts": "10:00", "ends": "12:00"})
    assert refused.status_code == 400 and "buiten de service-uren" in refused.content.decode()
    done = agent.post("/bookings/console/availability/", {"vendor": "invantive", "weekday": "1",
                                                          "starts": "13:00", "ends": "17:00", "hourly_rate": "110"})
    assert done.status_code == 302
    row = Availability.objects.get()
    assert (row.weekday, row.hourly_rate) == (1, Decimal("110.00"))
    assert agent.post(f"/bookings/console/availability/{row.pk}/delete/").status_code == 302
    assert not Availability.objects.exists()



def test_the_public_form_is_throttled_per_address_with_a_clear_answer(desk, settings):
    settings.MELDPUNT_BOOKING_RATE = "2/hour"
    data = {"length": "60", "slot": "", "name": "Spam Bot", "email": "bot@example.test", "topic": "x"}
    for _ in range(2):
        assert _client().post("/bookings/book/invantive/", data, REMOTE_ADDR="10.5.0.1").status_code == 400
    over = _client(language="nl").post("/bookings/book/invantive/", data, REMOTE_ADDR="10.5.0.1")
    assert over.status_code == 429 and 0 < int(over["Retry-After"]) <= 3600
    assert "Te veel verzoeken vanaf uw adres. Wacht 60 minuten" in over.content.decode()
    assert _client().get("/bookings/book/invantive/", REMOTE_ADDR="10.5.0.1").status_code == 200  # reading is free
    slot = _free()[0]
    ok = _client().post("/bookings/book/invantive/", {**data, "slot": slot_value(slot)}, REMOTE_ADDR="10.5.0.2")
    assert ok.status_code == 302 and Booking.objects.count() == 1  # another address books as usual
