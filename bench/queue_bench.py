"""The agent console's queue pages over the generated tickets, served over HTTP by ``meldpunt
serve`` (issue 17 goal: p95 <= 50 ms at 1,000,000 tickets, the cold first request included).

Run after generate_tickets.py on the same database. The benchmark starts the production web
server as production runs it (``meldpunt serve``: gunicorn, DEBUG off, two workers) and a
logged-in staff member opens the queue (every tab sorted by deadline, the priority and
newest-first sorts, filters on organisation, kind and priority, and the second page) over
HTTP, one new connection per request, as a browser's page load would. Timed from sending the
request to the last byte of the answer. The first request each of the two gunicorn workers
answers is cold (URLconf, templates, catalogs, PostgreSQL's cache of this process): they are
printed on their own and counted in the percentiles. The session is made in the database
(``Client.force_login``) and sent as its cookie: the login itself is not what is measured.

Peer, same run: the login page from the same server (the framework's own floor: session,
CSRF, template, no ticket queries); the ratio says what the queue adds on top.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchdb import ROOT, human, setup
from processes import free_port, stop_process_group

GOAL = 0.050
ROUNDS = 20


def main() -> None:
    setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from meldpunt.tickets.models import OPEN_STATUSES, Ticket

    staff = get_user_model().objects.filter(username="scale-agent0").first()
    if staff is None:
        raise SystemExit("run bench/generate_tickets.py first")
    count = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    client = Client()
    client.force_login(staff)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = free_port()
    server = _serve(port)
    try:
        _measure(server, port, cookie, count)
    finally:
        stop_process_group(server)


def _serve(port: int) -> subprocess.Popen:
    """``meldpunt serve`` on ``port`` with the benchmark's environment (DEBUG off), two workers;
    returns once /health/ answers."""
    log = Path(os.environ.get("MELDPUNT_DATA", "/tmp")) / "queue-bench-serve.log"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), MELDPUNT_DEBUG="0")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("meldpunt")), "serve", "--bind", f"127.0.0.1:{port}",
                             "--workers", "2"], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"meldpunt serve ended with {proc.returncode}: see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("HEAD", "/health/")
            if conn.getresponse().status < 500:
                return proc
        except OSError:
            time.sleep(0.1)
    stop_process_group(proc)
    sys.exit(f"meldpunt serve did not answer within 60 s: see {log}")


def _get(port: int, url: str, cookie: str = "") -> tuple[float, int, bytes]:
    """One GET on a new connection: (seconds to the last byte, status, body)."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", url, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return time.perf_counter() - t0, response.status, body


def _measure(server: subprocess.Popen, port: int, cookie: str, count: int) -> None:
    urls = ["/console/?queue=all", "/console/?queue=mine", "/console/?queue=soon", "/console/?queue=breached",
            "/console/?queue=triage", "/console/?queue=all&sort=newest", "/console/?queue=all&sort=priority",
            "/console/?queue=mine&sort=priority", f"/console/?queue=all&organisation={_an_organisation()}",
            "/console/?queue=all&kind=question&priority=D"]
    colds = []
    for _ in range(2):  # one cold first request for each of the two gunicorn workers (they take turns)
        seconds, status, first = _get(port, urls[0], cookie)
        assert status == 200, (urls[0], status)
        colds.append(seconds)
    marker = b"rel=\"next\""
    if marker in first:
        cursor = first.split(b'rel="next"')[0].rsplit(b'href="', 1)[1].split(b'"')[0].decode().replace("&amp;", "&")
        urls.append("/console/" + cursor)
    timings: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(ROUNDS):  # the first round is still partly cold (templates, PostgreSQL's cache): it counts
        for url in urls:
            seconds, status, _body = _get(port, url, cookie)
            timings[url].append(seconds)
            assert status == 200, (url, status)
    floor = []  # the framework's floor over the same server
    for _ in range(ROUNDS * 3):
        floor.append(_get(port, "/login/")[0])

    print(f"Console queue page over HTTP (meldpunt serve, 2 workers, DEBUG off): {count:,} open tickets, "
          f"{ROUNDS} rounds per URL, staff user;")
    print(f"percentiles over every request, the cold first ones ({', '.join(human(c) for c in colds)}) and the first "
          "round included")
    every = list(colds)
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
