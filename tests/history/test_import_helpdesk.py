"""``meldpunt import helpdesk`` against a real django-helpdesk (tests/history/conftest.py)
seeded with a few hundred tickets: the right organisations, strangers in triage, the
original dates, no mail, clocks only on open ones, resumable and idempotent."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from meldpunt.contracts.models import Contact
from meldpunt.history.client import HelpdeskClient, SourceError
from meldpunt.history.models import ImportedTicket
from meldpunt.history.services import import_helpdesk
from meldpunt.intake import attachments
from meldpunt.intake.models import Attachment, OutboundMail
from meldpunt.tickets.models import Clock, FollowUp, Message, Ticket, TicketEvent
from meldpunt.triage.followup import follow_up_pending
from meldpunt.triage.selectors import triage_queue
from tests.support import factories as f

pytestmark = pytest.mark.django_db

STATUS = {1: "new", 2: "in_progress", 3: "resolved", 4: "closed", 5: "closed"}


@pytest.fixture
def customers():
    """Acme (two contacts, one address written in another case in the old desk) and Globex,
    each on a running agreement; the seed's other submitters are strangers."""
    acme, globex = f.organisation("Acme BV"), f.organisation("Globex NV")
    f.agreement(acme)
    f.agreement(globex)
    for org, name, address in ((acme, "Anna", "anna@acme.test"), (acme, "Bert", "bert@acme.test"),
                               (globex, "Carla", "carla@globex.test")):
        Contact.objects.create(organisation=org, name=name, email=address)
    return {"anna@acme.test": acme, "bert@acme.test": acme, "carla@globex.test": globex}


def run(helpdesk, **options) -> str:
    out = io.StringIO()
    call_command("import", "helpdesk", url=helpdesk["url"], token=helpdesk["token"], stdout=out, **options)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """Everything the import wrote, per source ticket (ids left out where runs may differ)."""
    rows = []
    for ref in ImportedTicket.objects.select_related("ticket").order_by("source_number"):
        t = ref.ticket
        rows.append((
            ref.source_number, t.organisation_id, t.contact_id, t.agreement_id, t.reporter_email, t.status, t.subject,
            t.received_at, t.next_due_at,
            tuple(Clock.objects.filter(ticket=t).order_by("metric").values_list("metric", "state", "started_at", "due_at", "stopped_at")),
            tuple(Message.objects.filter(ticket=t).order_by("id").values_list("body", "public", "from_customer", "created_at")),
            tuple(Attachment.objects.filter(message__ticket=t).values_list("filename", "size", "created_at")),
            tuple(t.events.order_by("id").values_list("kind", flat=True)),
        ))
    return rows


def check(helpdesk, customers) -> None:
    """Every seeded ticket arrived as the issue asks."""
    seeded = helpdesk["tickets"]
    assert ImportedTicket.objects.count() == Ticket.objects.count() == len(seeded)
    now = timezone.now()
    for source in seeded:
        ref = ImportedTicket.objects.select_related("ticket").get(source_number=source["id"])
        ticket, received = ref.ticket, datetime.fromisoformat(source["created"])
        address = source["email"].lower()
        assert ticket.organisation == customers.get(address), source
        if address in customers:
            assert ticket.contact.email == address and ticket.agreement is not None
        else:  # a stranger's request, as an unknown sender's mail
            assert ticket.contact is None and ticket.agreement is None and ticket.reporter_email == source["email"]
        assert ticket.received_at == received  # the original date, not the import's
        assert ticket.status == STATUS[source["status"]]
        clocks = list(Clock.objects.filter(ticket=ticket))
        if ticket.status in ("resolved", "closed"):
            assert clocks == [] and ticket.next_due_at is None
        else:
            assert {c.metric for c in clocks} == {"response", "resolution"}
            response = next(c for c in clocks if c.metric == "response")
            if ticket.agreement is not None:  # counted from the original receipt, so long overdue
                assert received - timedelta(seconds=1) <= response.started_at < received + timedelta(days=4)  # whole seconds
                assert response.due_at < now - timedelta(days=1) or response.stopped_at is not None
            else:  # no agreement, no service levels (as for a stranger's mail)
                assert {c.state for c in clocks} == {"none"}
        thread = list(Message.objects.filter(ticket=ticket))
        assert len(thread) == source["followups"] - 1  # the opening follow-up is the description
        assert all(received < m.created_at < received + timedelta(days=1) for m in thread)
        event = ticket.events.get(kind="imported")
        assert event.data["number"] == source["id"] and datetime.fromisoformat(event.data["received_at"]) == received


def assert_no_mail() -> None:
    assert FollowUp.objects.count() == 0  # no confirmation pending for the worker
    assert follow_up_pending() == 0
    assert OutboundMail.objects.count() == 0
    assert mail.outbox == []


def test_history_arrives_once_on_the_right_organisations_without_mail(helpdesk, customers):
    out = run(helpdesk)
    print(out.splitlines()[-1])  # the speed, for the note (pytest -s)
    check(helpdesk, customers)
    assert_no_mail()
    assert f"{len(helpdesk['tickets'])}/{len(helpdesk['tickets'])} tickets" in out and "tickets/s" in out

    # Open ones from known customers run clocks as if received then; one answered by staff
    # in the old desk has its response clock stopped at that answer.
    answered = Ticket.objects.filter(status="new", agreement__isnull=False, messages__public=True,
                                     messages__from_customer=False).distinct()
    assert answered.exists()
    for ticket in answered:
        first = ticket.messages.filter(public=True, from_customer=False).order_by("created_at").first()
        assert ticket.clocks.get(metric="response").stopped_at == first.created_at
    # Strangers' open requests wait in the triage queue; their closed history does not.
    queued = {row.ticket.pk for row in triage_queue(f.staff_user())}
    strangers = Ticket.objects.filter(organisation__isnull=True)
    assert strangers.filter(status="new").exists() and set(strangers.filter(status="new").values_list("pk", flat=True)) <= queued
    assert not queued & set(strangers.exclude(status="new").values_list("pk", flat=True))
    # The attachment, with its bytes.
    (kept,) = Attachment.objects.all()
    assert kept.filename == "log.txt" and attachments.content(kept) == b"itgen-1001 stack trace\n" * 40
    assert kept.message.ticket.imported_from.source_number == 5

    before, events = snapshot(), TicketEvent.objects.count()
    again = run(helpdesk)
    assert "Nothing new to import" in again and f"{len(helpdesk['tickets'])} were already there" in again
    assert snapshot() == before and TicketEvent.objects.count() == events
    assert_no_mail()


def test_an_interrupted_import_resumes_to_the_same_result(helpdesk, customers):
    out = run(helpdesk, limit=30)
    assert "Stopped at --limit 30" in out and ImportedTicket.objects.count() == 30

    class Interrupted(Exception):
        pass

    def interrupt(result):  # the process dies halfway through the listing
        if result.imported == 70:
            raise Interrupted

    with pytest.raises(Interrupted):
        import_helpdesk(HelpdeskClient(helpdesk["url"], helpdesk["token"]), on_progress=interrupt)
    assert ImportedTicket.objects.count() == Ticket.objects.count() == 100

    out = run(helpdesk)
    assert f"{len(helpdesk['tickets']) - 100} tickets imported" in out and "100 were already there" in out
    check(helpdesk, customers)
    assert_no_mail()
    before = snapshot()
    run(helpdesk)
    assert snapshot() == before


@pytest.mark.parametrize(("url", "token", "says"), [
    ("{url}", "not-a-token", "refused the token (401)"),
    ("{url}/nowhere", "{token}", "not found (404)"),
    ("http://127.0.0.1:9", "{token}", "cannot reach the desk"),
    ("desk.example.com", "{token}", "is not an http(s) address"),
    ("{url}", " ", "--token is empty"),
])
def test_a_bad_address_or_token_is_one_line_and_exit_2(helpdesk, url, token, says):
    with pytest.raises(CommandError) as caught:
        call_command("import", "helpdesk", url=url.format(**helpdesk), token=token.format(**helpdesk), stdout=io.StringIO())
    assert caught.value.returncode == 2 and says in str(caught.value) and "\n" not in str(caught.value)
    assert Ticket.objects.count() == 0


def test_an_attachment_behind_a_login_page_is_an_error_not_a_file(helpdesk):
    client = HelpdeskClient(helpdesk["url"], helpdesk["token"])
    with pytest.raises(SourceError, match="did not serve the attachment"):  # the staff pages redirect to /login/
        b"".join(client.file(helpdesk["url"] + "/tickets/"))
