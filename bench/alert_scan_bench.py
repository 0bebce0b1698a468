"""Alert scan and bulk recompute over the generated open tickets, against the naive peer.

Run after generate_tickets.py on the same database (``make bench`` lines in docs/scale.md).

1. The per-minute warning/breach scan (``scan_alerts``: due_at ranges on the (state, due_at)
   index, exact check with the engine, alert + notification + mail rows): median and p95 of
   10 scans one minute apart. Goal (issue 9): <= 100 ms over 1M open tickets.
   Peer, same run: the naive scan that computes every running clock's warning moments with
   the same engine row by row (Frappe Helpdesk style), timed on a 10,000-clock sample and
   extrapolated to all running clocks — labelled as extrapolated.
2. Bulk recompute after a closed-day edit (``recompute_calendar``): a closed day added on the
   next business day, then removed again, each recomputed as the admin does (for that day);
   how many clocks moved and how long it took. Goal: <= 10 s for 1M. Also the full sweep
   (every running clock on the calendar re-examined, ``meldpunt recompute_clocks`` without
   days), reported next to the goal. Peer, same run:
   the per-ticket path (``tickets.clocks.recompute_clocks``) on 2,000 tickets, extrapolated.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from benchdb import human, setup

SCAN_GOAL, RECOMPUTE_GOAL = 0.100, 10.0


def main() -> None:
    setup()
    from django.db import transaction
    from django.utils import timezone

    from meldpunt.contracts.catalogs import calendar_for
    from meldpunt.contracts.models import CatalogVersion, ClosedDay
    from meldpunt.core.alerts import reached_points
    from meldpunt.escalation.models import ScanMark
    from meldpunt.escalation.recompute import recompute_calendar
    from meldpunt.escalation.services import scan_alerts
    from meldpunt.tickets.clocks import recompute_clocks
    from meldpunt.tickets.models import OPEN_STATUSES, Clock, Ticket

    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    running = Clock.objects.filter(state="running").count()
    print(f"Alert scan and recompute: {open_tickets:,} open tickets, {running:,} running clocks")

    # ---- 1. the scan, as the scheduler runs it: every minute, since the previous one
    now = timezone.now()
    ScanMark.objects.update_or_create(name="alerts", defaults={"scanned_until": now - timedelta(minutes=1)})
    times, reports = [], []
    for i in range(10):  # the first, cold scan counts towards the p95 like the others
        at = now + timedelta(minutes=i)
        t0 = time.perf_counter()
        reports.append(scan_alerts(now=at))
        times.append(time.perf_counter() - t0)
    median, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1]
    fired = sum(r.alerts for r in reports)
    candidates = sum(r.candidates for r in reports)

    version = CatalogVersion.objects.filter(vendor="erpm").order_by("-loaded_at").first()
    policy = version.parsed().escalation
    sample = list(Clock.objects.filter(state="running").values_list("calendar", "started_at", "due_at", "pauses")[:10_000])
    calendars = {cid: calendar_for(version, cid) for cid in {row[0] for row in sample}}
    t0 = time.perf_counter()
    for cal_id, started, due, pauses in sample:
        reached_points(calendars[cal_id], policy, started=started, due=due, pauses=pauses, now=now)
    naive_compute = (time.perf_counter() - t0) / max(1, len(sample)) * running
    t0 = time.perf_counter()
    list(Clock.objects.filter(state="running").values_list("calendar", "started_at", "due_at", "pauses")[:10_000])
    naive_fetch = (time.perf_counter() - t0) / max(1, len(sample)) * running
    naive = naive_compute + naive_fetch

    print()
    print("1. warning/breach scan, every minute (10 scans)")
    print(f"   meldpunt scan_alerts: median {human(median)}, p95 {human(p95)}; {candidates:,} candidates, {fired:,} alerts fired")
    print(f"   peer, naive per-row scan (10k sample, EXTRAPOLATED to {running:,} clocks): {human(naive)}")
    print(f"   ratio naive / meldpunt (median): {naive / median:,.0f}x")
    print(f"   goal <= {SCAN_GOAL * 1000:.0f} ms: p95 {human(p95)}  {'PASS' if p95 <= SCAN_GOAL else 'MISS'}")

    # ---- 2. bulk recompute after a closed-day edit
    cal = calendar_for(version, "workdays")
    next_open = cal.localize(cal.next_open(int((now + timedelta(days=1)).replace(hour=12).timestamp())))
    day: date = next_open.date()
    ClosedDay.objects.update_or_create(vendor="erpm", calendar="workdays", date=day, defaults={"reason": "Bench closed day"})
    report = recompute_calendar(vendor="erpm", calendar="workdays", days=[day])
    print()
    print(f"2. bulk recompute after closing {day:%a %Y-%m-%d} on erpm:workdays")
    print(f"   meldpunt recompute_calendar: {report}")
    ClosedDay.objects.filter(vendor="erpm", calendar="workdays", date=day).delete()
    removed = recompute_calendar(vendor="erpm", calendar="workdays", days=[day])  # what the admin does
    print(f"   closed day removed again (the admin's recompute): {removed}")
    worst = recompute_calendar(vendor="erpm", calendar="workdays")
    print(f"   full sweep, every running clock on the calendar re-examined (maintenance command): {worst}")

    tickets = list(Ticket.objects.filter(status__in=OPEN_STATUSES, clocks__calendar="workdays", clocks__state="running")
                   .select_related("agreement__catalog").distinct()[:2000])
    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            for ticket in tickets:
                recompute_clocks(ticket)
            raise _Rollback
    except _Rollback:
        pass
    per_ticket = (time.perf_counter() - t0) / max(1, len(tickets))
    affected_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES, clocks__calendar="workdays",
                                             clocks__state="running").distinct().count()
    peer_worst = per_ticket * affected_tickets
    print(f"   peer, per-ticket recompute_clocks (2,000 tickets, EXTRAPOLATED to {affected_tickets:,}): {human(peer_worst)}")
    print(f"   ratio per-ticket / bulk (worst case): {peer_worst / worst.seconds:,.1f}x")
    edit = max(report.seconds, removed.seconds)
    print(f"   goal <= {RECOMPUTE_GOAL:.0f} s after a calendar edit: added {human(report.seconds)}, removed "
          f"{human(removed.seconds)}  {'PASS' if edit <= RECOMPUTE_GOAL else 'MISS'}; full sweep {human(worst.seconds)} "
          f"{'(within the goal too)' if worst.seconds <= RECOMPUTE_GOAL else '(over the goal)'}")


class _Rollback(Exception):
    pass


if __name__ == "__main__":
    main()
