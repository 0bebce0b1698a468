"""The alert scan's due-moment ranges (meldpunt.core.alerts.due_ranges).

The scan reads only the clocks whose due moment lies in one of these ranges, then checks each
exactly with ``reached_points``. So the ranges must hold every clock that reached a point
since the previous scan (else an alert is never fired), and should hold few others.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from meldpunt.core.alerts import due_ranges, reached_points
from meldpunt.core.businesstime import Calendar, epoch
from meldpunt.core.catalog import EscalationPolicy, EscalationStep, WarningPoint

DAY_9_17 = [(9 * 60, 17 * 60)]
OFFICE = Calendar(id="office", name="Office", timezone="Europe/Amsterdam", weekly=[DAY_9_17] * 5 + [[], []])
POLICY = EscalationPolicy(
    warnings=(WarningPoint(percent=80), WarningPoint(before_seconds=1800)),
    chain=(EscalationStep("assignee", 0), EscalationStep("team_lead", 3600), EscalationStep("manager", 4 * 3600)),
)


def _inside(ranges: list[tuple[int, int]], due: datetime) -> bool:
    return any(lo < epoch(due) <= hi for lo, hi in ranges)


def test_minute_scans_over_a_day_and_a_closed_evening_find_every_point_reached():
    """Clocks started every 17 minutes over three days; a scan every 5 minutes (with the scan's
    5-minute overlap) from Monday 08:00 to Wednesday 15:00 Amsterdam. Each (clock, point) that
    ``reached_points`` says is reached at a scan must have had its due moment inside that
    scan's ranges at that scan or an earlier one."""
    start = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 Amsterdam
    clocks = []  # (started, due) of an 8-business-hour target, as the clocks compute them
    for i in range(0, 3 * 24 * 60, 17):
        started = OFFICE.add_seconds(epoch(start - timedelta(days=1) + timedelta(minutes=i)), 0)
        clocks.append((OFFICE.localize(started), OFFICE.localize(OFFICE.add_seconds(started, 8 * 3600))))
    fired: set[tuple[int, str, str]] = set()
    now, since = start, None
    while now <= start + timedelta(hours=54):
        ranges = due_ranges(OFFICE, POLICY, ["8h"], since, now)
        for n, (started, due) in enumerate(clocks):
            reached = reached_points(OFFICE, POLICY, started=started, due=due, pauses=[], now=now)
            for kind, point in reached:
                if (n, kind, point) in fired:
                    continue
                assert _inside(ranges, due), (now, due, kind, point)
                fired.add((n, kind, point))
        since, now = now - timedelta(minutes=5), now + timedelta(minutes=5)
    assert {kind for _, kind, _ in fired} == {"warning", "breach"}
    assert any(point == "manager+240m" for _, _, point in fired)


def test_a_scan_while_the_desk_is_closed_reads_no_breach_range():
    """Monday 20:00–20:06 Amsterdam: no business time passes, so no escalation step can be newly
    reached and the scan must not re-read the clocks that were due when the desk closed."""
    since = datetime(2026, 12, 7, 19, 0, tzinfo=UTC)
    now = since + timedelta(minutes=6)
    policy = EscalationPolicy(warnings=(), chain=POLICY.chain)
    # Only the breach at the due moment itself (no clock is due while the desk is closed)
    assert due_ranges(OFFICE, policy, ["8h"], since, now) == [(epoch(since) - 1, epoch(now))]
    # While open, the same six minutes give a range per step.
    open_since = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert len(due_ranges(OFFICE, policy, ["8h"], open_since, open_since + timedelta(minutes=6))) == 3
