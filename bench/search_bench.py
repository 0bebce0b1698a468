"""Ticket search over the generated tickets (issue 19 goal: p95 <= 100 ms over 1,000,000 on PostgreSQL).

Run after generate_tickets.py on the same database. Queries of every kind an agent types:
common, middling and rare words (by their rank in the generator's vocabulary), two and
three words, an error code, a ticket number, an organisation and hostile input. Measured:

- the search itself: :func:`meldpunt.tickets.search.search` over everything staff see,
  first page of 50 ids, best first — the figure the goal is about;
- the console page ``/console/?q=…`` through Django's test client (middleware, view,
  search, hydration, highlighted snippets, template).

The very first query of the run (new connection, cold catalog caches, cold index pages
in this process) is printed on its own and counted in the percentiles. Peer in the same
run: the naive search a desk without an index does, ``ILIKE '%word%'`` over subject and
messages for every word, newest first, first page of 50 (fewer rounds: it is slow).
"""

from __future__ import annotations

import statistics
import sys
import time

from benchdb import human, setup

GOAL = 0.100
ROUNDS = 5
PEER_QUERIES = 8


def main() -> None:
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from meldpunt.tickets.models import Ticket

    staff = get_user_model().objects.filter(username="scale-agent0").first()
    if staff is None:
        raise SystemExit("run bench/generate_tickets.py first")
    connection.close()  # the first query below opens a fresh connection: the cold one
    queries = _queries()
    first_q = queries[0]
    t0 = time.perf_counter()
    _search_page(staff, first_q)
    cold = time.perf_counter() - t0
    count = Ticket.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_message")
        messages = cursor.fetchone()[0]
    print(f"Ticket search: {count:,} tickets, {messages:,} messages, {len(queries)} queries x {ROUNDS} rounds, "
          f"on {connection.vendor}")
    print(f"  cold first query {first_q!r}: {human(cold)}")

    timings: dict[str, list[float]] = {q: [] for q in queries}
    timings[first_q].append(cold)
    hits: dict[str, int] = {}
    for _ in range(ROUNDS):
        for q in queries:
            t0 = time.perf_counter()
            hits[q] = len(_search_page(staff, q))
            timings[q].append(time.perf_counter() - t0)
    client = Client()
    client.force_login(staff)
    pages: list[float] = []
    for q in queries:
        response = client.get("/console/", {"q": q})
        assert response.status_code == 200, (q, response.status_code)
    for _ in range(ROUNDS):
        for q in queries:
            t0 = time.perf_counter()
            response = client.get("/console/", {"q": q})
            pages.append(time.perf_counter() - t0)
            assert response.status_code == 200, (q, response.status_code)

    every = [value for values in timings.values() for value in values]
    for q, values in timings.items():
        print(f"  {q[:40]!r:44} {hits[q]:>3} hits  p50 {human(statistics.median(values)):>9}  max {human(max(values)):>9}")
    peer: list[float] = []
    for q in queries[:PEER_QUERIES]:
        t0 = time.perf_counter()
        _naive_page(q)
        peer.append(time.perf_counter() - t0)
    p95, page_p95 = _p95(every), _p95(pages)
    print(f"  {'search, first page of 50':44} p50 {human(statistics.median(every)):>9}  p95 {human(p95):>9}  "
          f"p99 {human(_p99(every)):>9}")
    print(f"  {'console page /console/?q=':44} p50 {human(statistics.median(pages)):>9}  p95 {human(page_p95):>9}")
    print(f"  {'peer: ILIKE over subject + messages':44} p50 {human(statistics.median(peer)):>9}  p95 {human(_p95(peer)):>9}"
          f"  ({len(peer)} queries, once each)")
    print(f"ratio peer p50 / search p50: {statistics.median(peer) / statistics.median(every):.0f}x")
    print(f"goal search p95 <= {GOAL * 1000:.0f} ms: {human(p95)}  {'PASS' if p95 <= GOAL else 'MISS'}"
          f"  (console page p95 {human(page_p95)})")


def _search_page(staff, q: str) -> list[int]:
    from meldpunt.tickets.search import search_ids
    from meldpunt.tickets.selectors import visible_tickets

    return search_ids(visible_tickets(staff), q, internal=True, limit=50)


def _naive_page(q: str) -> list[int]:
    from django.db.models import Exists, OuterRef, Q

    from meldpunt.tickets.models import Message, Ticket

    tickets = Ticket.objects.all()
    for word in q.split():
        in_thread = Message.objects.filter(ticket=OuterRef("pk"), body__icontains=word)
        tickets = tickets.filter(Q(subject__icontains=word) | Exists(in_thread))
    return list(tickets.order_by("-id").values_list("id", flat=True)[:50])


def _queries() -> list[str]:
    """Words of known frequency from the generator's vocabulary, and real codes, numbers
    and organisations of the generated data."""
    import random

    from meldpunt.tickets.models import Ticket
    from vocabulary import Vocabulary

    words = Vocabulary(random.Random(1)).words
    code = Ticket.objects.exclude(error_code="").order_by("-id").values_list("error_code", flat=True).first() or "itgen-1234"
    last = Ticket.objects.order_by("-id").values_list("id", flat=True).first() or 1
    middle = Ticket.objects.filter(id__lte=last // 2).order_by("-id").values_list("id", flat=True).first() or 1
    return [
        words[3000],                       # rare (the cold query)
        "factuur", "invoice", "error",     # common
        "timeout", "warehouse",            # core, less common
        words[400], words[1500],           # middling
        words[12000], words[19000],        # rare tail
        "factuur btw", "login error",      # two common words
        f"{words[500]} {words[800]}",      # two middling words
        f"invoice {words[2500]} payment",  # three words
        code, code.upper(),                # an error code
        f"#{last}", str(middle),           # ticket numbers
        "Scale org 0042",                  # an organisation
        "gebruikers", "betalingen",        # Dutch plurals (stems)
        '"unbalanced (NEAR -x*',           # hostile
    ]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)]


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
