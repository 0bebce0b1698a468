"""Property tests: the interval-table engine against a slow minute-stepping reference.

The reference knows nothing of the engine's tables. It walks UTC minutes one by one, turns
each into Europe/Amsterdam wall-clock time with zoneinfo, and asks the plain questions: is
this local date closed, does this local minute fall in one of the weekday's ranges, is it
inside a pause? Start instants and pauses are whole minutes, so minute resolution is exact.

Range boundaries strictly between 02:00 and 03:00 are left out of generated calendars: on
the October change those wall-clock times happen twice, and "the range starts at 02:30"
then has two readings (the engine takes the first, RFC 5545 style; a per-minute wall-clock
check would take both). Boundaries at 02:00 and 03:00 themselves are generated, as are
24×7 days, so both changes are crossed with 23- and 25-hour days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meldpunt.core.businesstime import (
    Calendar,
    add_with_pauses,
    always_open,
    elapsed_with_pauses,
)
from meldpunt.core.calendars import build_calendar, public_holidays
from meldpunt.core.catalog_loader import load_preset

ZONE = "Europe/Amsterdam"
AMS = ZoneInfo(ZONE)
MINUTE = 60
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ reference
class Reference:
    """Business minutes by brute force: one UTC minute at a time."""

    def __init__(
        self,
        weekly: Sequence[Sequence[tuple[int, int]]],
        closed: set[date] | frozenset[date],
        label: str = "",
    ):
        self.label = label or f"weekly={[list(day) for day in weekly]} closed={sorted(map(str, closed))}"
        # open_minute[weekday][minute of day] — the union of that weekday's ranges.
        self.open_minute = [bytearray(1440) for _ in range(7)]
        for weekday, ranges in enumerate(weekly):
            for start, end in ranges:
                for minute in range(start, end):
                    self.open_minute[weekday][minute] = 1
        self.closed = frozenset(closed)
        self._hours: dict[int, tuple[date, int, int]] = {}

    def __repr__(self) -> str:
        return f"Reference({self.label})"

    def _local_hour(self, utc_hour: int) -> tuple[date, int, int]:
        """(local date, weekday, local minute of day) at the start of a UTC hour.

        Amsterdam's offset is a whole number of hours and changes only on the hour, so
        each minute of the UTC hour is the same local hour plus that many minutes.
        """
        found = self._hours.get(utc_hour)
        if found is None:
            local = datetime.fromtimestamp(utc_hour, AMS)
            found = (local.date(), local.weekday(), local.hour * 60 + local.minute)
            self._hours[utc_hour] = found
        return found

    def is_open(self, t: int) -> bool:
        hour = t - t % 3600
        day, weekday, first_minute = self._local_hour(hour)
        if day in self.closed:
            return False
        return bool(self.open_minute[weekday][first_minute + (t - hour) // 60])

    @staticmethod
    def paused(t: int, pauses: Sequence[tuple[int, int]]) -> bool:
        return any(a <= t < b for a, b in pauses)

    def counts(self, t: int, pauses: Sequence[tuple[int, int]]) -> bool:
        return self.is_open(t) and not self.paused(t, pauses)

    def add(self, start: int, minutes: int, pauses: Sequence[tuple[int, int]] = ()) -> int:
        """The end of the ``minutes``-th counted minute: the earliest due instant."""
        assert minutes > 0 and start % 60 == 0
        t, counted = start, 0
        while True:
            if self.counts(t, pauses):
                counted += 1
                if counted == minutes:
                    return t + MINUTE
            t += MINUTE

    def between(self, a: int, b: int, pauses: Sequence[tuple[int, int]] = ()) -> int:
        """Counted minutes in [a, b), as seconds."""
        return sum(MINUTE for t in range(a, b, MINUTE) if self.counts(t, pauses))


# ---------------------------------------------------------------- calendars
@cache
def preset_calendar(catalog: str, calendar_id: str) -> tuple[Calendar, Reference]:
    definition = load_preset(catalog).calendar(calendar_id)
    closed = set(definition.closed)
    if definition.holidays:  # the dates straight from the holiday tables, not from the engine
        for year in range(2024, 2031):
            closed |= set(public_holidays(definition.holidays, year))
    cal = build_calendar(definition)
    return cal, Reference(definition.weekly, closed, f"{catalog} {calendar_id}")


PRESET_CALENDARS = [
    ("erpm", "workdays"),
    ("erpm", "premium-incidents"),
    ("invantive", "service"),
    ("infor", "workday-24h"),
    ("infor", "24x7"),
]

# Days around both DST changes and the holiday-dense spring and Christmas weeks.
DST_SUNDAYS = [date(2025, 3, 30), date(2025, 10, 26), date(2026, 3, 29), date(2026, 10, 25),
               date(2027, 3, 28), date(2027, 10, 31)]
HOLIDAY_DAYS = [date(2025, 4, 21), date(2025, 5, 29), date(2025, 12, 25), date(2026, 4, 27),
                date(2026, 5, 14), date(2026, 12, 25), date(2027, 5, 6), date(2027, 12, 24)]
INTERESTING_DAYS = [d + timedelta(days=k) for d in DST_SUNDAYS + HOLIDAY_DAYS for k in range(-3, 4)]


# Quarter hours, leaving out the ambiguous 02:15, 02:30, 02:45 (see module docstring).
BOUNDARIES = [m for m in range(0, 1441, 15) if not 120 < m < 180]
# Often right at the night hours where the clocks change, or at midnight.
boundaries = st.one_of(st.sampled_from([0, 60, 120, 180, 240, 1440]), st.sampled_from(BOUNDARIES))


# Only the night hours around the change, so that DST is crossed inside opening hours.
NIGHT_BOUNDARIES = [0, 60, 120, 180, 240, 300, 1440]


@st.composite
def day_ranges(draw, points=boundaries) -> list[tuple[int, int]]:
    """Zero to three ranges on a day; they may overlap or touch (the engine merges them)."""
    ranges = []
    for _ in range(draw(st.integers(0, 3))):
        start, end = sorted(draw(st.lists(points, min_size=2, max_size=2, unique=True)))
        ranges.append((start, end))
    return ranges


@st.composite
def handmade_calendars(draw, points=boundaries) -> tuple[Calendar, Reference]:
    weekly = [draw(day_ranges(points)) for _ in range(7)]
    if sum(e - s for day in weekly for s, e in day) < 600:  # dense enough for a quick reference
        weekly[draw(st.integers(0, 4))] = [(540, 1020)]
    closed = set(
        draw(st.lists(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=40))
        + draw(st.lists(st.sampled_from(INTERESTING_DAYS), max_size=10))
    )
    cal = Calendar(
        id="handmade",
        name="hand-made",
        timezone=ZONE,
        weekly=weekly,
        closed_days=lambda year: {d: ("closed", "vendor closed") for d in closed if d.year == year},
    )
    return cal, Reference(weekly, closed)


calendars = st.one_of(
    st.sampled_from(PRESET_CALENDARS).map(lambda key: preset_calendar(*key)),
    handmade_calendars(),
    handmade_calendars(st.sampled_from(NIGHT_BOUNDARIES)),
    st.builds(lambda: (always_open(ZONE), Reference([[(0, 1440)]] * 7, set(), "24x7"))),
)


@st.composite
def instants(draw) -> int:
    """A whole-minute instant in 2025–2027, often just before a DST change or holiday."""
    day = draw(
        st.one_of(
            st.dates(date(2025, 1, 1), date(2027, 12, 20)),
            st.sampled_from(INTERESTING_DAYS),
        )
    )
    local = datetime(day.year, day.month, day.day, tzinfo=AMS)
    base = int(local.timestamp())
    return base + 60 * draw(st.integers(0, 24 * 60 - 1))


@st.composite
def dst_instants(draw) -> int:
    """A whole-minute instant in the two days before a change, up to the change night."""
    sunday = draw(st.sampled_from(DST_SUNDAYS))
    base = int(datetime(sunday.year, sunday.month, sunday.day, tzinfo=AMS).timestamp())
    return base + 60 * draw(st.integers(-48 * 60, 3 * 60))


@st.composite
def pauses_near(draw, start: int, span_minutes: int) -> list[tuple[int, int]]:
    """Up to four whole-minute pauses, some before the start, possibly overlapping."""
    pauses = []
    for _ in range(draw(st.integers(0, 4))):
        offset = draw(st.integers(-600, max(span_minutes * 3, 600)))
        length = draw(st.integers(0, 3000))
        pauses.append((start + offset * 60, start + (offset + length) * 60))
    return pauses


targets = st.integers(1, 3000)  # business minutes


# ------------------------------------------------------------------- properties
@SETTINGS
@given(calendars, instants(), targets)
def test_add_is_the_earliest_instant_the_business_minutes_have_passed(calendar, start, minutes):
    cal, ref = calendar
    assert cal.add_seconds(start, minutes * 60) == ref.add(start, minutes)


@SETTINGS
@given(calendars, instants(), targets, st.data())
def test_add_with_pauses_skips_paused_business_minutes(calendar, start, minutes, data):
    cal, ref = calendar
    pauses = data.draw(pauses_near(start, minutes))
    assert add_with_pauses(cal, start, minutes * 60, pauses) == ref.add(start, minutes, pauses)


@SETTINGS
@given(calendars, instants(), st.integers(0, 8 * 24 * 60))
def test_between_counts_the_business_minutes(calendar, a, span):
    cal, ref = calendar
    b = a + span * 60
    assert cal.elapsed_seconds(a, b) == ref.between(a, b)


@SETTINGS
@given(calendars, instants(), st.integers(0, 8 * 24 * 60), st.data())
def test_between_with_pauses_leaves_out_paused_business_minutes(calendar, a, span, data):
    cal, ref = calendar
    b = a + span * 60
    pauses = data.draw(pauses_near(a, span // 4))
    assert elapsed_with_pauses(cal, a, b, pauses) == ref.between(a, b, pauses)


@SETTINGS
@given(calendars, instants(), st.integers(1, 20_000), st.data())
def test_add_then_between_round_trips(calendar, start, minutes, data):
    cal, _ = calendar
    pauses = data.draw(pauses_near(start, minutes))
    due = add_with_pauses(cal, start, minutes * 60, pauses)
    assert elapsed_with_pauses(cal, start, due, pauses) == minutes * 60
    # ... and it is the earliest such instant: a minute earlier, less time has passed.
    assert elapsed_with_pauses(cal, start, due - 60, pauses) < minutes * 60


@SETTINGS
@given(calendars, instants(), st.integers(0, 30 * 24 * 60))
def test_between_then_add_lands_no_later_than_the_end(calendar, a, span):
    cal, _ = calendar
    b = a + span * 60
    elapsed = cal.elapsed_seconds(a, b)
    if elapsed:
        due = cal.add_seconds(a, elapsed)
        assert due <= b
        assert cal.elapsed_seconds(a, due) == elapsed


@SETTINGS
@given(calendars, instants(), targets)
def test_datetime_api_agrees_with_epoch_api(calendar, start, minutes):
    cal, _ = calendar
    moment = cal.localize(start)
    due = cal.add(moment, timedelta(minutes=minutes))
    assert int(due.timestamp()) == cal.add_seconds(start, minutes * 60)
    assert due.tzinfo == cal.zone
    assert cal.between(moment, due) == timedelta(minutes=minutes)


night_calendars = handmade_calendars(st.sampled_from(NIGHT_BOUNDARIES))


@SETTINGS
@given(night_calendars, dst_instants(), st.integers(1, 900), st.data())
def test_add_across_a_clock_change_matches_the_wall_clock(calendar, start, minutes, data):
    cal, ref = calendar
    pauses = data.draw(pauses_near(start, minutes))
    assert cal.add_seconds(start, minutes * 60) == ref.add(start, minutes)
    assert add_with_pauses(cal, start, minutes * 60, pauses) == ref.add(start, minutes, pauses)


@SETTINGS
@given(night_calendars, dst_instants(), st.integers(0, 4 * 24 * 60))
def test_between_across_a_clock_change_matches_the_wall_clock(calendar, a, span):
    cal, ref = calendar
    assert cal.elapsed_seconds(a, a + span * 60) == ref.between(a, a + span * 60)
