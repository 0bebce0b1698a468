"""No double booking: two people taking the same slot at once — one wins, the other is told clearly.

The guarantee is a unique row per (agent, 30-minute unit) inserted in the booking
transaction, so it holds across processes and hosts, not only within one.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import translation

from meldpunt.bookings.models import BookedUnit, Booking
from meldpunt.bookings.services import SlotTaken, book_session, cancel, reschedule
from tests.support import factories as f
from tests.support.bookings_setup import invantive_desk

NOW = f.ams(2027, 5, 3, 9)  # Monday
SLOT = f.ams(2027, 5, 5, 10)  # Wednesday 10:00

@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; a page test before may have left Dutch active."""
    with translation.override("en"):
        yield



def _book(desk, *, starts=SLOT, minutes=60, who="Jan", email="jan@bakkerij.test", contact=True):
    return book_session(
        vendor="invantive", agent_id=desk["agent"].pk, starts_at=starts, minutes=minutes, topic=f"{who}'s question",
        name=who, email=email, language="nl", contact=desk["jan"] if contact else None,
        agreement=desk["agreement"] if contact else None, now=NOW,
    )


@pytest.mark.django_db
def test_the_second_booking_of_a_slot_hits_the_unique_constraint_and_gets_a_clear_message():
    desk = invantive_desk()
    first = _book(desk).booking
    with pytest.raises(SlotTaken, match="someone else has just booked this time"):
        _book(desk, who="Prospect", email="p@example.test", contact=False)
    # Overlapping by one unit is a double booking too.
    with pytest.raises(SlotTaken):
        _book(desk, starts=SLOT + timedelta(minutes=30), minutes=60, contact=False, email="q@example.test")
    assert list(Booking.objects.values_list("pk", flat=True)) == [first.pk]
    assert BookedUnit.objects.filter(booking=first).count() == 2


@pytest.mark.django_db
def test_a_cancelled_slot_is_free_again_and_a_moved_session_frees_its_old_slot():
    desk = invantive_desk()
    first = _book(desk).booking
    cancel(booking=first, now=NOW)
    second = _book(desk, who="Other", email="o@example.test", contact=False).booking
    reschedule(booking=second, starts_at=SLOT + timedelta(hours=2), now=NOW)
    third = _book(desk, who="Third", email="t@example.test", contact=False).booking
    assert third.starts_at == SLOT.astimezone(UTC)


@pytest.mark.django_db
def test_moving_onto_a_taken_slot_is_refused_and_keeps_the_old_time():
    desk = invantive_desk()
    first = _book(desk).booking
    second = _book(desk, starts=SLOT + timedelta(hours=2), contact=False, email="o@example.test").booking
    with pytest.raises(SlotTaken):
        reschedule(booking=second, starts_at=SLOT, now=NOW)
    second.refresh_from_db()
    assert second.starts_at == (SLOT + timedelta(hours=2)).astimezone(UTC) and second.sequence == 0
    assert BookedUnit.objects.filter(booking=second).count() == 2
    assert BookedUnit.objects.filter(booking=first).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_people_clicking_the_same_slot_at_once_one_wins(settings):
    """Two real threads, each with its own database connection and transaction."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    desk = invantive_desk()
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def attempt(who: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[who] = _book(desk, who=who, email=f"{who.lower()}@example.test", contact=False).booking.pk
        except Exception as exc:  # anything but SlotTaken fails the assertion below, with its text
            results[who] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(who,)) for who in ("Ada", "Bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [who for who, r in results.items() if isinstance(r, int)]
    losers = [r for r in results.values() if isinstance(r, SlotTaken)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "someone else has just booked this time" in str(losers[0])
    booking = Booking.objects.get()
    assert booking.name == winners[0] and booking.starts_at == datetime.fromtimestamp(SLOT.timestamp(), UTC)
    assert BookedUnit.objects.count() == 2
