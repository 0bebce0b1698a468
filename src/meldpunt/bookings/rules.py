"""The rules of bookable sessions as plain Python: settings from the catalog, free slots.

Seed 001: "For short session, please use the Invantive bookings site. Actual duration of the
session is rounded up to 30 minutes and billed. For sessions of 4 hours or more, please
contact our sales team … or register a request for a consultant."

Nothing here touches the database (only gettext: a refusal names the field in the reader's
language). The settings come from the free-form ``[billing]`` table of a
catalog (the billing app reads the same table for rounding and the threshold); the slots
come from an agent's published windows cut by the vendor's service calendar — the same
:class:`~meldpunt.core.businesstime.Calendar` the SLA clocks use, so a slot never falls
outside service hours or on a holiday or closed day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.core.billing import BillingError, SessionRules
from meldpunt.core.businesstime import Calendar

#: Bookings are laid on a grid of 30-minute units; one database row per (agent, unit)
#: makes a double booking impossible (see models.BookedUnit).
GRID_MINUTES = 30


class BookingSettingsError(ValueError):
    """A catalog's booking settings cannot be used; the message names the field."""


@dataclass(frozen=True)
class BookingSettings:
    """What a vendor decides about bookable sessions (catalog ``[billing]``).

    ``session_lengths``: the lengths offered, in minutes (multiples of 30, each below the
    consultant threshold). ``cancel_free_hours``: cancelling or moving is free until this
    many hours before the start; later, one billing unit is charged as a late-cancellation
    fee. ``reminder_hours``: the reminder goes out this long before the start.
    ``calendar``: the catalog calendar whose service hours and holidays bound the slots.
    """

    session_lengths: tuple[int, ...]
    unit_minutes: int
    consultant_threshold_minutes: int | None
    hourly_rate: Decimal
    cancel_free_hours: int = 24
    reminder_hours: int = 24
    calendar: str = "service"
    notice_hours: int = 1
    horizon_days: int = 28
    session_kind: str = "question"
    consultant_kind: str = "consultant"

    @property
    def late_fee_minutes(self) -> int:
        """A late cancellation costs one billing unit (seed 001 bills in 30-minute units)."""
        return self.unit_minutes

    def needs_consultant(self, minutes: int) -> bool:
        threshold = self.consultant_threshold_minutes
        return bool(threshold) and minutes >= threshold


def _int(billing: Mapping[str, object], key: str, default: int, low: int = 0) -> int:
    value = billing.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise BookingSettingsError(_("[billing].%(key)s: %(value)r must be a whole number of at least %(low)s")
                                   % {"key": key, "value": value, "low": low})
    return value


def booking_settings(billing: Mapping[str, object], calendars: Iterable[str]) -> BookingSettings | None:
    """The booking settings of a catalog, or None when it offers no bookable sessions.

    A catalog offers sessions when its ``[billing]`` table has ``session_lengths``.
    """
    if "session_lengths" not in billing:
        return None
    try:
        rules = SessionRules.from_catalog(billing)
    except BillingError as exc:
        raise BookingSettingsError(billing_error_words(exc)) from None
    except (TypeError, ValueError) as exc:
        raise BookingSettingsError(str(exc)) from None
    lengths = billing["session_lengths"]
    if not isinstance(lengths, list) or not lengths:
        raise BookingSettingsError(_("[billing].session_lengths must be a list of minutes such as [30, 60, 90]"))
    for value in lengths:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value % GRID_MINUTES:
            raise BookingSettingsError(
                _("[billing].session_lengths: %(value)r must be a positive multiple of %(grid)s minutes")
                % {"value": value, "grid": GRID_MINUTES})
        if rules.consultant_threshold_minutes and value >= rules.consultant_threshold_minutes:
            raise BookingSettingsError(
                _("[billing].session_lengths: %(value)s min reaches consultant_threshold_minutes "
                  "(%(threshold)s); such sessions are consultant requests")
                % {"value": value, "threshold": rules.consultant_threshold_minutes})
    calendar = billing.get("booking_calendar", "service")
    if not isinstance(calendar, str) or calendar not in set(calendars):
        raise BookingSettingsError(_("[billing].booking_calendar: %(calendar)r is not a calendar of this catalog")
                                   % {"calendar": calendar})
    return BookingSettings(
        session_lengths=tuple(sorted(set(lengths))),
        unit_minutes=rules.unit_minutes,
        consultant_threshold_minutes=rules.consultant_threshold_minutes,
        hourly_rate=rules.hourly_rate,
        cancel_free_hours=_int(billing, "cancel_free_hours", 24),
        reminder_hours=_int(billing, "reminder_hours", 24),
        calendar=calendar,
        notice_hours=_int(billing, "booking_notice_hours", 1),
        horizon_days=_int(billing, "booking_horizon_days", 28, low=1),
        session_kind=str(billing.get("session_kind", "question")),
        consultant_kind=rules.consultant_kind,
    )


# ------------------------------------------------------------------ windows
@dataclass(frozen=True)
class Window:
    """Hours an agent takes sessions: weekly (``weekday`` 0 = Monday) or on one ``day``.

    Times are wall-clock times in the calendar's zone; ``valid_from``/``valid_until``
    bound a weekly window (both inclusive).
    """

    agent: int
    start: time
    end: time
    weekday: int | None = None
    day: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None

    def applies(self, on: date) -> bool:
        if self.day is not None:
            return on == self.day
        if self.weekday != on.weekday():
            return False
        return (self.valid_from is None or on >= self.valid_from) and (
            self.valid_until is None or on <= self.valid_until)


def check_window(start: time, end: time) -> None:
    """A window starts before it ends and lies on the 30-minute grid."""
    if start >= end:
        raise BookingSettingsError(_("A window must start before it ends."))
    for moment in (start, end):
        if moment.minute % GRID_MINUTES or moment.second:
            raise BookingSettingsError(_("%(time)s: windows start and end on the hour or half hour.")
                                       % {"time": f"{moment:%H:%M}"})


def window_outside_service(calendar: Calendar, window: Window) -> str | None:
    """Why a window can never hold a slot, or None.

    A dated window on a holiday or closed day, or one that does not overlap the service
    hours of its weekday, is refused when it is published — slot generation would cut
    it anyway, but an agent should hear that at once.
    """
    weekday = window.day.weekday() if window.day is not None else window.weekday
    start = window.start.hour * 60 + window.start.minute
    end = window.end.hour * 60 + window.end.minute
    ranges = calendar.weekly[weekday]
    if not any(s < end and start < e for s, e in ranges):
        return "outside_hours"
    if window.day is not None:
        noon = int(datetime.combine(window.day, time(12), calendar.zone).timestamp())
        closed = calendar.closed_days_between(noon, noon)
        if closed:
            return f"closed:{closed[0].name}"
    return None


@dataclass(frozen=True, order=True)
class Slot:
    start: int  # UTC epoch seconds
    end: int
    agent: int


def unit_starts(start: int, end: int) -> list[int]:
    """The 30-minute units a session from ``start`` to ``end`` occupies (epoch seconds)."""
    step = GRID_MINUTES * 60
    return list(range(start, end, step))


def free_slots(
    calendar: Calendar,
    windows: Iterable[Window],
    *,
    minutes: int,
    first_day: date,
    days: int,
    not_before: int,
    taken: set[tuple[int, int]],
) -> list[Slot]:
    """Every start on the 30-minute grid where a session of ``minutes`` fits.

    A slot lies inside one of its agent's windows, wholly inside the calendar's open
    time (business time across it equals its length, so it crosses no closing, holiday
    or closed day), starts at or after ``not_before`` and uses no unit in ``taken``
    (pairs of agent id and unit start).
    """
    length = minutes * 60
    step = GRID_MINUTES * 60
    by_day: dict[date, list[Window]] = {}
    windows = list(windows)
    slots: set[Slot] = set()
    for offset in range(days):
        on = first_day + timedelta(days=offset)
        by_day[on] = [w for w in windows if w.applies(on)]
        for window in by_day[on]:
            lo = int(datetime.combine(on, window.start, calendar.zone).timestamp())
            hi = int(datetime.combine(on, window.end, calendar.zone).timestamp())
            t = lo
            while t + length <= hi:
                if (
                    t >= not_before
                    and calendar.elapsed_seconds(t, t + length) == length
                    and not any((window.agent, u) in taken for u in unit_starts(t, t + length))
                ):
                    slots.add(Slot(t, t + length, window.agent))
                t += step
    return sorted(slots)


def is_free(calendar: Calendar, windows: Iterable[Window], slot: Slot, *, not_before: int,
            taken: set[tuple[int, int]]) -> bool:
    """Whether ``slot`` is one :func:`free_slots` would offer (checked again when booking)."""
    day = datetime.fromtimestamp(slot.start, calendar.zone).date()
    minutes = (slot.end - slot.start) // 60
    found = free_slots(calendar, [w for w in windows if w.agent == slot.agent], minutes=minutes,
                       first_day=day, days=1, not_before=not_before, taken=taken)
    return slot in found


def cancel_is_free(starts: int, now: int, settings: BookingSettings) -> bool:
    """Free until ``cancel_free_hours`` before the start; later costs the late fee."""
    return now <= starts - settings.cancel_free_hours * 3600
