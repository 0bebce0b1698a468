"""Server time of the agent console queue page over the generated tickets (issue 6 goal: p95 <= 50 ms).

Run after generate_tickets.py on the same database. A logged-in staff member opens the queue
(every tab sorted by deadline, the priority and newest-first sorts, filters on
organisation, kind and priority, and the second page) through
Django's test client — the full middleware, view, queries and template, no network.
Peer, same run: the login page through the same client (the framework's own floor: session,
CSRF, template, no ticket queries); the ratio says what the queue adds on top.
"""

from __future__ import annotations

import statistics
import time

from benchdb import human, setup

GOAL = 0.050
ROUNDS = 20


def main() -> None:
    setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from meldpunt.tickets.models import OPEN_STATUSES, Ticket

    staff = get_user_model().objects.filter(username="scale-agent0").first()
    if staff is None:
        raise SystemExit("run bench/generate_tickets.py first")
    count = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    client = Client()
    client.force_login(staff)
    urls = ["/console/?queue=all", "/console/?queue=mine", "/console/?queue=soon", "/console/?queue=breached",
            "/console/?queue=triage", "/console/?queue=all&sort=newest", "/console/?queue=all&sort=priority",
            "/console/?queue=mine&sort=priority", f"/console/?queue=all&organisation={_an_organisation()}",
            "/console/?queue=all&kind=question&priority=D"]
    t0 = time.perf_counter()
    first = client.get(urls[0])
    cold = time.perf_counter() - t0  # the very first request of this process
    assert first.status_code == 200, first.status_code
    marker = b"rel=\"next\""
    if marker in first.content:
        cursor = first.content.split(b'rel="next"')[0].rsplit(b'href="', 1)[1].split(b'"')[0].decode().replace("&amp;", "&")
        urls.append("/console/" + cursor)
    timings: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(ROUNDS):  # the first round is cold (catalog parse, templates, PostgreSQL's cache): it counts
        for url in urls:
            t0 = time.perf_counter()
            response = client.get(url)
            timings[url].append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
    floor_client = Client()
    floor = []  # the framework's floor, cold first request included as for the queue
    for _ in range(ROUNDS * 3):
        t0 = time.perf_counter()
        floor_client.get("/login/")
        floor.append(time.perf_counter() - t0)

    print(f"Console queue page: {count:,} open tickets, {ROUNDS} rounds per URL, Django test client, staff user;")
    print(f"percentiles over every request, the cold first one ({human(cold)}) and the first round included")
    every = [cold]
    for url, values in timings.items():
        every += values
        print(f"  {url:48} p50 {human(statistics.median(values)):>9}  p95 {human(_p95(values)):>9}")
    p95 = _p95(every)
    print(f"  {'peer: /login/ (framework floor)':48} p50 {human(statistics.median(floor)):>9}  p95 {human(_p95(floor)):>9}")
    print(f"ratio queue p95 / floor p95: {p95 / _p95(floor):.1f}x")
    print(f"goal p95 <= {GOAL * 1000:.0f} ms over all queue URLs: {human(p95)}  {'PASS' if p95 <= GOAL else 'MISS'}")


def _an_organisation() -> int:
    from meldpunt.contracts.models import Organisation

    return Organisation.objects.filter(name__startswith="Scale org").order_by("name").values_list("pk", flat=True)[0]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


if __name__ == "__main__":
    main()
