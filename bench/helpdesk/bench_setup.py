"""Set-up and checks of the django-helpdesk peer; runs in the helpdesk venv (bench/helpdesk_bench.py).

    python bench_setup.py setup      migrate; a staff user, a queue and a DRF token -> JSON
    python bench_setup.py count      tickets, follow-ups -> JSON
    python bench_setup.py queries N  SQL queries and time per API create, in process -> JSON
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

USERNAME = "bench-agent"


def setup() -> dict:
    call_command("migrate", verbosity=0)
    user, created = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"email": "agent@helpdesk.test", "is_staff": True, "is_superuser": True})
    if created:
        user.set_password("bench-agent-2026")
        user.save()
    queue, _ = Queue.objects.get_or_create(slug="support", defaults={
        "title": "Support", "email_address": "support@helpdesk.test", "allow_public_submission": True})
    token, _ = Token.objects.get_or_create(user=user)
    return {"token": token.key, "queue": queue.pk, "django": django.get_version()}


def count() -> dict:
    return {"tickets": Ticket.objects.count(), "followups": FollowUp.objects.count()}


def body(queue: int, i: int) -> dict:
    """The create request of the benchmark (same fields the load generator sends)."""
    return {"queue": queue, "title": f"Invoices do not post {i}", "description": "Error itgen-1234 on posting",
            "submitter_email": "jan@devries.test", "priority": 2}


def queries(n: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    info = setup()
    client = Client(HTTP_AUTHORIZATION=f"Token {info['token']}")
    counts, times = [], []
    for i in range(n):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.post("/api/tickets/", json.dumps(body(info["queue"], i)), content_type="application/json")
            times.append(time.perf_counter() - t0)
        if response.status_code != 201:
            raise SystemExit(f"helpdesk create answered {response.status_code}: {response.content[:500]!r}")
        counts.append(len(ctx.captured_queries))
    return {"queries": counts[-1], "ms": sorted(times)[len(times) // 2] * 1000}


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "setup"
    if what == "setup":
        print(json.dumps(setup()))
    elif what == "count":
        print(json.dumps(count()))
    elif what == "queries":
        print(json.dumps(queries(int(sys.argv[2]) if len(sys.argv) > 2 else 20)))
    else:
        sys.exit(f"unknown step {what!r}")
