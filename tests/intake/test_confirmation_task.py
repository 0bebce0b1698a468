"""A request registered through the API (or a page) is assessed and confirmed by the worker.

The follow-up task is enqueued in the ticket's own transaction, so it exists exactly when
the ticket does; the worker writes the mail to the outbox in the contact's language and
sends it once, however often the task runs. The API answers from what it just wrote, and
that answer is what a later read shows. Real database worker, real SMTP sink.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from meldpunt.contracts.models import Contact
from meldpunt.intake.models import OutboundMail
from meldpunt.intake.tasks import after_registration
from meldpunt.tickets.models import FollowUp, Ticket
from meldpunt.triage.models import Assessment
from meldpunt.triage.tasks import follow_up
from tests.support import factories as f
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db(transaction=True)

INCIDENT = {"subject": "Facturen boeken niet", "description": "Fout itgen-1234 bij boeken", "kind": "incident",
            "impact": "organisation", "urgency": "high"}


@pytest.fixture
def jan(settings, smtp_sink):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # a real queue, run below
    org = f.organisation("Bakkerij De Vries", language="nl")
    user = get_user_model().objects.create_user("jan", password="x")
    contact = Contact.objects.create(organisation=org, user=user, name="Jan de Vries", email="jan@devries.test",
                                     language="nl", is_coordinator=True)
    agreement = f.agreement(org, "erpm", "medium", addons=["premium"])
    return contact, agreement


def _worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def test_the_worker_confirms_an_api_request_once_in_the_contacts_language(jan, smtp_sink):
    contact, agreement = jan
    response = Api(contact.user).post("/api/tickets", {**INCIDENT, "agreement": agreement.code})
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])

    # Registered: the follow-up is pending and its task waits in the queue; nothing is
    # written, assessed or sent yet.
    assert not OutboundMail.objects.filter(ticket=ticket).exists()
    assert not Assessment.objects.filter(ticket=ticket).exists()
    assert FollowUp.objects.filter(ticket=ticket).exists()
    [queued] = DBTaskResult.objects.filter(task_path=follow_up.module_path, status="READY")
    assert queued.args_kwargs["args"] == []

    _worker()
    assessment = Assessment.objects.get(ticket=ticket)  # triage's part of the follow-up
    assert (assessment.completeness, assessment.coverage) == ("incomplete", "covered")
    [sent] = smtp_sink.wait_for(1)
    mail = OutboundMail.objects.get(ticket=ticket)
    assert mail.kind == "confirmation" and mail.sent_at is not None and mail.language == "nl"
    assert sent["To"] == "jan@devries.test" and sent["Message-ID"] == mail.message_id
    assert sent["Subject"] == f"Wij hebben uw verzoek ontvangen [#{ticket.pk}] Facturen boeken niet"
    assert sent["Auto-Submitted"] == "auto-replied"

    # A task that runs again (a worker died after sending) writes and sends nothing more;
    # nor does a task queued before the upgrade, by the old name.
    assert not FollowUp.objects.exists()
    assert follow_up.call() == 0
    follow_up.enqueue()
    assert after_registration.call(ticket.pk) is False
    after_registration.enqueue(ticket.pk)
    _worker()
    assert OutboundMail.objects.filter(ticket=ticket).count() == 1
    assert len(smtp_sink.wait_for(1)) == 1


def test_a_failed_registration_leaves_no_confirmation_task(jan):
    contact, agreement = jan
    response = Api(contact.user).post("/api/tickets", {**INCIDENT, "agreement": agreement.code, "kind": "nonsense"})
    assert response.status_code in (400, 422)
    assert not Ticket.objects.exists()
    assert not DBTaskResult.objects.exists() and not FollowUp.objects.exists()


def test_the_answer_to_a_registration_is_what_a_read_shows(jan):
    contact, agreement = jan
    client = Api(contact.user)
    created = client.post("/api/tickets", {**INCIDENT, "agreement": agreement.code}).json()
    read = client.get(f"/api/tickets/{created['id']}").json()
    assert created == read
    assert [c["metric"] for c in created["clocks"]] == ["response", "resolution"]
    assert all(c["due_at"] and c["explanation"] for c in created["clocks"]) and created["messages"] == []
