"""Booking settings from a catalog's [billing] table are validated with the field named."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.utils import translation

from meldpunt.bookings.rules import BookingSettingsError, booking_settings, cancel_is_free, check_window
from meldpunt.core.catalog_loader import load_catalog

CALENDARS = ["service"]
BASE = {"session_unit_minutes": 30, "consultant_threshold_minutes": 240, "hourly_rate": "0.00"}


def test_invantive_offers_30_to_120_minute_sessions_from_its_catalog():
    catalog = load_catalog("invantive")
    rules = booking_settings(catalog.billing, catalog.calendars)
    assert rules.session_lengths == (30, 60, 90, 120)
    assert (rules.unit_minutes, rules.consultant_threshold_minutes) == (30, 240)
    assert (rules.cancel_free_hours, rules.reminder_hours, rules.calendar) == (24, 24, "service")
    assert rules.hourly_rate == Decimal("0.00") and rules.late_fee_minutes == 30


def test_a_catalog_without_session_lengths_offers_no_sessions():
    catalog = load_catalog("erpm")
    assert booking_settings(catalog.billing, catalog.calendars) is None


@pytest.mark.parametrize("billing, field", [
    ({"session_lengths": [45]}, "session_lengths"),
    ({"session_lengths": []}, "session_lengths"),
    ({"session_lengths": [60, 240]}, "consultant_threshold_minutes"),
    ({"session_lengths": [60], "booking_calendar": "moon"}, "booking_calendar"),
    ({"session_lengths": [60], "cancel_free_hours": -1}, "cancel_free_hours"),
    ({"session_lengths": [60], "reminder_hours": "soon"}, "reminder_hours"),
    ({"session_lengths": [60], "hourly_rate": "abc"}, "hourly_rate"),
])
def test_bad_settings_are_refused_naming_the_field(billing, field):
    with pytest.raises(BookingSettingsError, match=field):
        booking_settings({**BASE, **billing}, CALENDARS)


def test_cancelling_is_free_until_exactly_the_limit():
    rules = booking_settings({**BASE, "session_lengths": [60]}, CALENDARS)
    start = 1_800_000_000
    assert cancel_is_free(start, start - 24 * 3600, rules)
    assert not cancel_is_free(start, start - 24 * 3600 + 1, rules)


@pytest.mark.parametrize("billing, dutch", [
    ({"session_lengths": [45]}, "[billing].session_lengths: 45 moet een positief veelvoud van 30 minuten zijn"),
    ({"session_lengths": []}, "[billing].session_lengths moet een lijst van minuten zijn, zoals [30, 60, 90]"),
    ({"session_lengths": [60, 240]}, "240 min bereikt consultant_threshold_minutes (240); zulke sessies zijn "
                                     "aanvragen voor een consultant"),
    ({"session_lengths": [60], "booking_calendar": "moon"}, "'moon' is geen kalender van deze catalogus"),
    ({"session_lengths": [60], "reminder_hours": "soon"}, "[billing].reminder_hours: 'soon' moet een geheel getal "
                                                          "van minstens 0 zijn"),
])
def test_a_dutch_reader_is_refused_in_dutch(billing, dutch):
    with translation.override("nl"), pytest.raises(BookingSettingsError) as refused:
        booking_settings({**BASE, **billing}, CALENDARS)
    assert dutch in str(refused.value)


def test_a_window_off_the_grid_is_refused_in_the_readers_language():
    with translation.override("nl"), pytest.raises(BookingSettingsError, match="op het hele of halve uur"):
        check_window(time(10, 15), time(12))
    with translation.override("nl"), pytest.raises(BookingSettingsError, match="moet beginnen voordat het eindigt"):
        check_window(time(12), time(10))
