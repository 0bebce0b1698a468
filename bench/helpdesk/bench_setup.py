"""Set-up and checks of the django-helpdesk peer; runs in the helpdesk venv (bench/helpdesk_bench.py).

    python bench_setup.py setup      migrate; a staff user, a queue and a DRF token -> JSON
    python bench_setup.py count      tickets, follow-ups -> JSON
    python bench_setup.py queries N  SQL queries and time per API create, in process -> JSON
    python bench_setup.py seed N     N tickets of the past (history import tests) -> JSON of each
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


#: Submitters of the seeded history: the tests of the history import make contacts for the
#: first three (two organisations); the others are strangers to Meldpunt.
SUBMITTERS = ["anna@acme.test", "Bert@Acme.test", "carla@globex.test", "dirk@unknown.test", "eva@elsewhere.test"]


def seed(n: int) -> dict:
    """``n`` tickets of the past 60 days, written in the database (no mail goes out): every
    fourth one open, about one in nine reopened, the rest resolved, closed or duplicate; each with
    its "Ticket Opened" follow-up (as django-helpdesk writes one) and up to three more, public
    and private, from staff and from the submitter; one follow-up with an attachment. Two
    queues. Dates are set after the insert (the model stamps "now")."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from helpdesk.models import FollowUpAttachment

    info = setup()
    staff = get_user_model().objects.get(username=USERNAME)
    queues = [Queue.objects.get(slug="support"), Queue.objects.get_or_create(slug="licences", defaults={
        "title": "Licences", "email_address": "licences@helpdesk.test"})[0]]
    start = timezone.now() - timedelta(days=60)
    made = []
    for i in range(n):
        created = start + timedelta(hours=3 * i + (i % 5), minutes=7 * (i % 9))
        status = 1 if i % 4 == 0 else 2 if i % 7 == 3 else (3, 4, 5)[i % 3]
        email = SUBMITTERS[i % len(SUBMITTERS)]
        ticket = Ticket.objects.create(queue=queues[i % 2], title=f"History {i}: invoices do not post",
                                       description=f"Error itgen-{1000 + i} when posting invoice {i}.",
                                       submitter_email=email, status=status, priority=1 + i % 5)
        Ticket.objects.filter(pk=ticket.pk).update(created=created, modified=created)
        followups = [FollowUp(ticket=ticket, title="Ticket Opened", comment=ticket.description, public=True, date=created)]
        for j in range((i // 3) % 4):
            staff_reply = j % 2 == 0
            followups.append(FollowUp(ticket=ticket, user=staff if staff_reply else None, public=j != 2,
                                      title="Comment", comment=f"Follow-up {j} of ticket {i}",
                                      date=created + timedelta(hours=2 * (j + 1))))
        FollowUp.objects.bulk_create(followups)  # bulk: save() would stamp the ticket modified now
        if i == 4:
            attachment = FollowUpAttachment(followup=followups[-1], filename="log.txt", mime_type="text/plain")
            attachment.file.save("log.txt", ContentFile(b"itgen-1001 stack trace\n" * 40), save=False)
            attachment.save()
        made.append({"id": ticket.pk, "email": email, "status": status, "created": created.isoformat(),
                     "followups": len(followups)})
    return {"token": info["token"], "tickets": made}


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "setup"
    if what == "setup":
        print(json.dumps(setup()))
    elif what == "count":
        print(json.dumps(count()))
    elif what == "seed":
        print(json.dumps(seed(int(sys.argv[2]))))
    elif what == "queries":
        print(json.dumps(queries(int(sys.argv[2]) if len(sys.argv) > 2 else 20)))
    else:
        sys.exit(f"unknown step {what!r}")
