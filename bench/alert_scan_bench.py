"""Alert scan and bulk recompute over the generated open tickets, against the naive peer.

Run after generate_tickets.py on the same database (``make bench`` lines in docs/scale.md).

1. The per-minute warning/breach scan (``scan_alerts``: due_at ranges on the (state, due_at)
   index, exact check with the engine, alert + notification + mail rows): median and p95 of
   10 scans one minute apart. Goal (issue 9): <= 100 ms over 1M open tickets.
   Peer, same run: the naive scan that computes every running clock's warning moments with
   the same engine row by row (Frappe Helpdesk style), timed on a 10,000-clock sample and
   extrapolated to all running clocks — labelled as extrapolated.
2. Bulk recompute after a closed-day edit, through the one service (``tickets.calendars``:
   ``save_closed_day`` / ``delete_closed_day``, what the admin's worker job and the
   ``closed_day`` command run; the recompute is ``tickets.recompute`` on ``core.due_at_many``):
   a closed day added on the next business day, then removed again; how many clocks moved and
   how long each service call took. Goal (issue 17): <= 10 s each over 1M tickets. Also the
   full sweep (every running clock on the calendar re-examined, ``meldpunt recompute_clocks``
   without days), reported next to the goal. Peer, same run: the per-ticket path
   (``tickets.clocks.recompute_clocks``, which uses ``core.due_at``) on 2,000 tickets,
   extrapolated to the tickets that can span the day and to all tickets on the calendar.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

from benchdb import human, setup

SCAN_GOAL, RECOMPUTE_GOAL = 0.100, 10.0


def main() -> None:
    only = sys.argv[1] if len(sys.argv) > 1 else ""  # "scan" or "recompute": that part only
    setup()
    from django.db import transaction
    from django.utils import timezone

    from meldpunt.contracts.catalogs import calendar_for
    from meldpunt.contracts.models import CatalogVersion, ClosedDay
    from meldpunt.core.alerts import reached_points
    from meldpunt.escalation.models import ScanMark
    from meldpunt.escalation.services import scan_alerts
    from meldpunt.tickets.calendars import delete_closed_day, save_closed_day
    from meldpunt.tickets.clocks import recompute_clocks
    from meldpunt.tickets.models import OPEN_STATUSES, Clock, Ticket
    from meldpunt.tickets.recompute import recompute_calendar

    if only == "catch-up":
        t0 = time.perf_counter()
        caught = scan_alerts(now=datetime.fromisoformat(sys.argv[2]), full=True)
        print(f"   catch-up scan (all reached since the last run, as after an outage): {human(time.perf_counter() - t0)}; "
              f"{caught.candidates:,} candidates, {caught.alerts:,} alerts fired", flush=True)
        return
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    running = Clock.objects.filter(state="running").count()
    print(f"Alert scan and recompute: {open_tickets:,} open tickets, {running:,} running clocks", flush=True)

    # Scan after the last scan this database saw (an earlier bench run may have scanned minutes
    # ahead of the clock), so the timed scans meet points not fired yet.
    mark = ScanMark.objects.filter(name="alerts").values_list("scanned_until", flat=True).first()
    now = max(timezone.now(), mark + timedelta(minutes=1)) if mark else timezone.now()
    version = CatalogVersion.objects.filter(vendor="erpm").order_by("-loaded_at").first()
    if only != "recompute":
        # ---- 1. the scan, as the scheduler runs it: every minute, since the previous one
        # A running system's scheduler has fired everything reached before: catch up first, in a
        # process of its own so the timed scans below start cold (what a worker that was down
        # since the last bench run does; timed and printed, not the goal).
        subprocess.run([sys.executable, __file__, "catch-up", (now - timedelta(minutes=1)).isoformat()], check=True)
        from meldpunt.warmup import warm_up

        warm_up()  # what `meldpunt worker` does before its first job (the scan mails links)
        times, reports = [], []
        for i in range(10):  # the first, cold scan counts towards the p95 like the others
            at = now + timedelta(minutes=i)
            t0 = time.perf_counter()
            reports.append(scan_alerts(now=at))
            times.append(time.perf_counter() - t0)
        median, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1]
        fired = sum(r.alerts for r in reports)
        candidates = sum(r.candidates for r in reports)

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

    if only != "scan":
        # ---- 2. bulk recompute after a closed-day edit, through the one service (what the admin's
        # worker job and the closed_day command run)
        cal = calendar_for(version, "workdays")
        next_open = cal.localize(cal.next_open(int((now + timedelta(days=1)).replace(hour=12).timestamp())))
        day: date = next_open.date()
        ClosedDay.objects.filter(vendor="erpm", calendar="workdays", date=day).delete()
        spanning = _spanning_tickets(cal, day)
        t0 = time.perf_counter()
        [added] = save_closed_day(ClosedDay(vendor="erpm", calendar="workdays", date=day, reason="Bench closed day"))
        added_wall = time.perf_counter() - t0
        print()
        print(f"2. bulk recompute after closing {day:%a %Y-%m-%d} on erpm:workdays (tickets.calendars, core.due_at_many)")
        print(f"   added:   {added}; service call {human(added_wall)}")
        t0 = time.perf_counter()
        [removed] = delete_closed_day(ClosedDay.objects.get(vendor="erpm", calendar="workdays", date=day))
        removed_wall = time.perf_counter() - t0
        print(f"   removed: {removed}; service call {human(removed_wall)}")
        worst = recompute_calendar(vendor="erpm", calendar="workdays")
        print(f"   full sweep, every running clock on the calendar re-examined (recompute_clocks without --day): {worst}")

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
        peer_edit, peer_worst = per_ticket * spanning, per_ticket * affected_tickets
        print(f"   peer, per-ticket recompute_clocks ({len(tickets):,} tickets timed, {human(per_ticket)} each), EXTRAPOLATED:")
        print(f"     to the {spanning:,} tickets that can span the day: {human(peer_edit)}; "
              f"ratio per-ticket / bulk: added {peer_edit / added_wall:,.1f}x, removed {peer_edit / removed_wall:,.1f}x")
        print(f"     to all {affected_tickets:,} tickets on the calendar: {human(peer_worst)}; "
              f"ratio per-ticket / full sweep {peer_worst / worst.seconds:,.1f}x")
        for label, figure in (("added", added_wall), ("removed", removed_wall)):
            print(f"   goal <= {RECOMPUTE_GOAL:.0f} s after a closed day is {label}: {human(figure)}  "
                  f"{'PASS' if figure <= RECOMPUTE_GOAL else 'MISS'}")
        print(f"   full sweep {human(worst.seconds)} {'(within the goal too)' if worst.seconds <= RECOMPUTE_GOAL else '(over the goal)'}")


def _spanning_tickets(cal, day: date) -> int:
    """Open tickets with a running clock on erpm:workdays that can span ``day`` (what the
    recompute reads: received before the day ends, due after it starts)."""
    from datetime import datetime

    from meldpunt.tickets.models import OPEN_STATUSES, Clock

    first = datetime.combine(day, datetime.min.time(), cal.zone)
    last = datetime.combine(day + timedelta(days=1), datetime.min.time(), cal.zone)
    return (Clock.objects.filter(state="running", calendar="workdays", ticket__status__in=OPEN_STATUSES,
                                 due_at__gte=first, ticket__received_at__lt=last)
            .values("ticket_id").distinct().count())


class _Rollback(Exception):
    pass


if __name__ == "__main__":
    main()
