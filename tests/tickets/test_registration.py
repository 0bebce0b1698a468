"""The one registration path (issue 17 item 2): every channel writes the same rows through
``tickets.registration`` and leaves the same follow-up, which the worker does for one
request and a batch alike (triage's assessment, then the confirmation); reads never assess."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, transaction
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from meldpunt.intake.bulk import ingest_many
from meldpunt.intake.contact_log import log_contact
from meldpunt.intake.models import OutboundMail
from meldpunt.intake.services import ingest
from meldpunt.knowledge.services import ask_question, question_to_ticket
from meldpunt.tickets import registration
from meldpunt.tickets.models import FollowUp, Ticket, TicketEvent
from meldpunt.tickets.requests import NewRequest
from meldpunt.triage.followup import follow_up_pending
from meldpunt.triage.models import Assessment
from meldpunt.triage.requests import request_licence_key
from meldpunt.triage.tasks import follow_up
from tests.support import factories as f
from tests.support.desk_fixtures import Api
from tests.support.samples import mail

pytestmark = pytest.mark.django_db

PORTAL = {"kind": "incident", "subject": "Invoice run stops", "description": "The run stops at customer 17.",
          "product": "ERP.M", "product_version": "2026.1", "error_code": "E-4711",
          "reproduction": "1. Open invoicing\n2. Start the run", "impact": "multiple", "urgency": "high",
          "idempotency_key": "k1"}


@pytest.fixture
def world(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, run by the test
    org = f.organisation("Alpha BV", language="nl")
    coordinator = f.contact(org, username="jan")
    agreement = f.agreement(org, "erpm", "small", coordinator=coordinator)
    northwind = f.organisation("Northwind")
    emma = f.contact(northwind, username="emma")
    inv = f.agreement(northwind, "invantive", "subscription", coordinator=emma)
    return {"org": org, "jan": coordinator, "agreement": agreement, "staff": f.staff_user(), "emma": emma, "inv": inv}


def _tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=follow_up.module_path, status="READY"))


def _every_channel(world, client) -> dict[str, list[Ticket]]:
    """Register through every channel; each call's commit is captured and run."""
    jan, agreement, staff = world["jan"], world["agreement"], world["staff"]
    address = jan.email
    made: dict[str, list[Ticket]] = {}
    client.force_login(jan.user)
    response = client.post("/portal/requests/new/", {**PORTAL, "agreement": agreement.pk})
    assert response.status_code == 302
    made["portal"] = [Ticket.objects.get(channel="portal", subject="Invoice run stops")]
    response = Api(jan.user).post("/api/tickets", {"subject": "Orders stuck", "kind": "incident",
                                                   "agreement": agreement.code, "impact": "one", "urgency": "low"})
    assert response.status_code == 201, response.content
    made["api"] = [Ticket.objects.get(pk=response.json()["id"])]
    made["phone"] = [log_contact(channel="phone", agent=staff, summary="Called about the invoice run", contact=jan,
                                 agreement=agreement)]
    made["mail"] = [Ticket.objects.get(pk=ingest(mail(sender=address, message_id="<one@alpha.test>",
                                                      subject="Mail one")).ticket)]
    batch = ingest_many([(mail(sender=address, message_id=f"<b{i}@alpha.test>", subject=f"Batch {i}"), "test", None)
                         for i in range(3)])
    made["mail batch"] = [Ticket.objects.get(pk=r.ticket) for r in batch]
    question = ask_question(author=jan.user, title="How do I close a period?", body="Step by step, please.")
    made["community"] = [question_to_ticket(question=question, actor=staff, kind="question")]
    made["licence key"] = [request_licence_key(contact=world["emma"], agreement_code=world["inv"].code,
                                               version="2026.1", product="Invantive Cloud")]
    return made


def test_every_channel_registers_the_same_rows_and_leaves_the_same_follow_up(world, client,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = _every_channel(world, client)
    tickets = [t for group in made.values() for t in group]
    assert len(tickets) == len({t.pk for t in tickets}) >= 8
    for channel, group in made.items():
        for ticket in group:
            created = TicketEvent.objects.filter(ticket=ticket, kind="created")
            assert created.count() == 1, channel
            assert created.get().data["kind"] == ticket.kind
            assert ticket.clocks.exists(), channel
            assert FollowUp.objects.filter(ticket=ticket).exists(), channel
    # Registered, nothing more: no assessment, no confirmation until the worker comes by.
    assert not Assessment.objects.exists() and not OutboundMail.objects.filter(kind="confirmation").exists()
    # the first registration queued a run; the others found it waiting (not started), and it takes them too
    assert len(_tasks()) == 1

    assert follow_up.call() == len(tickets)  # the first run takes every pending follow-up
    assert not FollowUp.objects.exists()
    for ticket in tickets:
        assert Assessment.objects.filter(ticket=ticket).count() == 1
        assert OutboundMail.objects.filter(ticket=ticket, kind="confirmation").count() == 1
    assert follow_up.call() == 0  # the other queued runs find it done


def test_a_queued_run_takes_later_requests_too_but_a_started_run_does_not_count(world,
                                                                              django_capture_on_commit_callbacks):
    def one(subject: str) -> Ticket:
        with django_capture_on_commit_callbacks(execute=True):
            return registration.create_ticket(NewRequest(organisation=world["org"], agreement=world["agreement"],
                                                         contact=world["jan"], subject=subject, channel="api"))[0]

    one("First")
    one("Second")
    assert len(_tasks()) == 1 and FollowUp.objects.count() == 2  # the second found the first's run waiting
    DBTaskResult.objects.filter(pk=_tasks()[0].pk).update(status="RUNNING")  # a worker claimed it
    one("Third")
    assert len(_tasks()) == 1  # a claimed run may have looked already: the third gets a run of its own
    assert follow_up.call() == 3 and OutboundMail.objects.filter(kind="confirmation").count() == 3


def test_a_batch_is_followed_up_in_chunks_and_a_rerun_changes_nothing(world, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    monkeypatch.setattr(registration, "CHUNK", 2)
    requests = [NewRequest(organisation=world["org"], agreement=world["agreement"], contact=world["jan"],
                           subject=f"Batch {i}", channel="email") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        tickets = registration.register(requests)
    assert [t.subject for t in tickets] == [r.subject for r in requests]
    assert FollowUp.objects.count() == 5 and len(_tasks()) == 3  # one task per chunk: workers share it

    assert follow_up_pending(limit=2) == 5
    mails = OutboundMail.objects.filter(kind="confirmation")
    assert mails.count() == 5 and Assessment.objects.count() == 5
    sent = set(mails.values_list("pk", "sent_at"))
    # At-least-once delivery, exactly-once effect: every rerun finds nothing to do.
    assert follow_up_pending() == 0 and follow_up.call() == 0
    assert set(mails.values_list("pk", "sent_at")) == sent and Assessment.objects.count() == 5


def test_a_failed_registration_leaves_no_follow_up(world, django_capture_on_commit_callbacks):
    bad = NewRequest(organisation=world["org"], agreement=world["agreement"], subject="Bad", kind="nonsense")
    good = NewRequest(organisation=world["org"], agreement=world["agreement"], subject="Good")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(registration.services.TicketError):
        registration.register([good, bad])
    assert not Ticket.objects.exists() and not FollowUp.objects.exists() and not _tasks()


def test_the_same_idempotency_key_registers_and_follows_up_once(world, django_capture_on_commit_callbacks):
    request = NewRequest(organisation=world["org"], agreement=world["agreement"], subject="Once", idempotency_key="k")
    with django_capture_on_commit_callbacks(execute=True):
        first = registration.register_one(request)
        again = registration.register_one(request)
    assert first.created and not again.created and again.ticket.pk == first.ticket.pk
    assert FollowUp.objects.count() == 1 and len(_tasks()) == 1


def test_reading_a_new_request_writes_nothing_and_says_it_is_being_assessed(world, client):
    ticket, _ = registration.create_ticket(NewRequest(organisation=world["org"], agreement=world["agreement"],
                                                      contact=world["jan"], subject="Read me first"))
    client.force_login(world["staff"])
    staff_api = Api(world["staff"])
    with translation.override("nl"):
        page = client.get(f"/console/triage/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200 and "Wordt beoordeeld" in page.content.decode()
    queue = client.get("/console/triage/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Being assessed" in queue
    detail = staff_api.get(f"/api/triage/tickets/{ticket.pk}").json()
    assert (detail["completeness"], detail["coverage"]) == ("pending", "pending")
    assert staff_api.get("/api/triage/queue").json()[0]["coverage"] == "pending"
    assert client.get(f"/console/tickets/{ticket.pk}/").status_code == 200
    assert not Assessment.objects.exists() and not OutboundMail.objects.exists()  # no read wrote

    assert follow_up.call() == 1
    detail = staff_api.get(f"/api/triage/tickets/{ticket.pk}").json()
    assert detail["completeness"] != "pending" and detail["coverage"] == "covered"
    assert "Being assessed" not in client.get(f"/console/triage/{ticket.pk}/").content.decode()


if os.environ.get("DATABASE_URL"):

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_a_second_worker_skips_the_follow_ups_the_first_holds(settings):
        """SKIP LOCKED: while one worker's transaction holds the pending rows, another run
        takes none of them (and does not wait); once the first is done, nothing is left.
        Real PostgreSQL, two connections."""
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        org = f.organisation("Race")
        agreement = f.agreement(org, "erpm", "small")
        registration.register([NewRequest(organisation=org, agreement=agreement, subject=f"Race {i}") for i in range(3)])
        held, release, results = threading.Event(), threading.Event(), []

        def first_worker() -> None:
            try:
                with transaction.atomic():
                    list(FollowUp.objects.select_for_update(skip_locked=True).values_list("ticket_id", flat=True))
                    held.set()
                    release.wait(10)
                results.append(follow_up_pending())
            finally:
                connection.close()

        thread = threading.Thread(target=first_worker)
        thread.start()
        assert held.wait(10)
        assert follow_up_pending() == 0  # all three are held by the other worker: skipped, not waited on
        release.set()
        thread.join(15)
        assert results == [3] and not FollowUp.objects.exists()
        assert Assessment.objects.count() == 3 and OutboundMail.objects.filter(kind="confirmation").count() == 0
