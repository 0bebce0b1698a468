"""A fetch batch registered at once (``intake.bulk.ingest_many``) ends exactly as the same
mails registered one by one: same outcomes, tickets, clocks, confirmations and triage."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meldpunt.contracts.models import Contact
from meldpunt.intake.bulk import ingest_many
from meldpunt.intake.models import InboundMail, OutboundMail
from meldpunt.intake.services import ingest
from meldpunt.tickets.models import Clock, Ticket, TicketEvent
from meldpunt.triage.models import Assessment
from tests.support import factories as f
from tests.support.samples import mail, with_attachment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def contacts():
    org = f.organisation("Bakkerij De Vries", language="nl")
    jan = Contact.objects.create(organisation=org, name="Jan de Vries", email="Jan@DeVries.test", language="nl")
    f.agreement(org, "erpm", "medium", addons=["premium"])
    other = f.organisation("Northwind", language="en")
    emma = Contact.objects.create(organisation=other, name="Emma", email="emma@northwind.test", language="en")
    f.agreement(other, "invantive", "subscription")
    return jan, emma


def _batch(tag: str) -> list[bytes]:
    return [
        mail(message_id=f"<{tag}-1@devries.test>", subject="Orders komen niet binnen"),
        mail(sender="Emma <emma@northwind.test>", message_id=f"<{tag}-2@northwind.test>", subject="Export fails"),
        mail(message_id=f"<{tag}-3@devries.test>", subject="Re: Orders",  # answers the first one
             headers={"In-Reply-To": f"<{tag}-1@devries.test>"}),
        mail(sender="Stranger <who@unknown.test>", message_id=f"<{tag}-4@unknown.test>"),
        mail(message_id=f"<{tag}-5@devries.test>", headers={"Auto-Submitted": "auto-replied"}),
        with_attachment(100, message_id=f"<{tag}-6@devries.test>"),
        b"\x00\x01 not a mail " + tag.encode(),
        mail(message_id=f"<{tag}-1@devries.test>", subject="Orders komen niet binnen"),  # sent twice
        mail(sender="Emma <emma@northwind.test>", message_id=f"<{tag}-9@northwind.test>", subject="Second one"),
    ]


def _sorted(rows) -> list:
    return sorted((tuple(re.sub(r"\d+", "N", v) if isinstance(v, str) else v for v in row) for row in rows), key=repr)


def _state(after: tuple[int, int]):
    """What a batch left behind: everything about the tickets and mails after the marks."""
    ticket, inbound = after
    mine = {"ticket__pk__gt": ticket}
    return {
        "tickets": _sorted(Ticket.objects.filter(pk__gt=ticket).values_list(
            "subject", "contact__name", "agreement__code", "priority", "priority_rank", "language", "status",
            "channel", "reporter_email")),
        "clocks": _sorted(Clock.objects.filter(**mine).values_list("ticket__subject", "metric", "state", "target",
                                                                  "calendar", "due_at")),
        "next_due": _sorted(Ticket.objects.filter(pk__gt=ticket).values_list("subject", "next_due_at")),
        "events": _sorted(TicketEvent.objects.filter(**mine).values_list("ticket__subject", "kind")),
        "confirmations": _sorted(OutboundMail.objects.filter(**mine).values_list("to", "language", "kind", "subject", "body")),
        "assessments": _sorted(Assessment.objects.filter(**mine).values_list("ticket__subject", "completeness",
                                                                            "coverage")),
        "inbound": _sorted([(m.outcome, m.sender, m.reason) for m in InboundMail.objects.filter(pk__gt=inbound)]),
    }


def _marks() -> tuple[int, int]:
    return (Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            InboundMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)


def test_a_batch_ends_as_one_by_one_registration_would(contacts):
    before = _marks()
    one_by_one = [ingest(raw, source="test", received_at=f.ams(2026, 11, 27, 10, 0)) for raw in _batch("a")]
    expected = [(r.outcome, r.duplicate) for r in one_by_one]
    state = _state(before)
    middle = _marks()
    batched = ingest_many([(raw, "test", f.ams(2026, 11, 27, 10, 0)) for raw in _batch("b")])
    assert [(r.outcome, r.duplicate) for r in batched] == expected
    assert expected == [("created", False), ("created", False), ("appended", False), ("created", False),
                        ("ignored", False), ("created", False), ("quarantined", False), ("created", True),
                        ("created", False)]
    assert _state(middle) == state


def test_the_plain_new_requests_of_a_batch_share_their_lookups(contacts):
    raws = [mail(message_id=f"<q-{i}@devries.test>", subject=f"Storing {i}") for i in range(20)]
    with CaptureQueriesContext(connection) as queries:
        results = ingest_many([(raw, "test", None) for raw in raws])
    assert [r.outcome for r in results] == ["created"] * 20 and len({r.ticket for r in results}) == 20
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "tickets_ticket"')]
    assert len(inserts) == 1  # one bulk insert for the twenty tickets
    # one by one takes about fifteen per mail; a batch shares its lookups and writes per mail only
    # the assessment, the confirmation and the read of its clocks (the deadlines it names)
    assert len(queries.captured_queries) < 20 * 4


def test_a_batch_keeps_the_hourly_throttle(contacts, settings):
    settings.MELDPUNT_MAIL_THROTTLE_PER_HOUR = 3
    raws = [mail(message_id=f"<t-{i}@devries.test>", subject=f"Loop {i}") for i in range(5)]
    outcomes = [r.outcome for r in ingest_many([(raw, "test", None) for raw in raws])]
    assert outcomes == ["created"] * 3 + ["held"] * 2
    assert sum(m.reason.startswith("held: more than 3") for m in InboundMail.objects.all()) == 2
