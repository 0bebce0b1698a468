"""Issue 19 items 2 and 3 in a real browser, in Dutch: a stranger's mail is placed on an
organisation and agreement with the sender as a new contact (it runs on the provisional
priority, to be assessed), the agent assesses it, and plans a question's resolution date,
which the customer then sees in the portal."""

from __future__ import annotations

import pytest

from meldpunt.intake.services import ingest
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_places_a_strangers_mail_assesses_it_and_plans_a_question(session):
    bakker = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(bakker, username="jan", language="nl")
    agreement = f.agreement(bakker, "erpm", "small", coordinator=jan)
    f.staff_user("agent")
    result = ingest(mail(sender="Onbekend <iemand@elders.test>", subject="Wie helpt mij?", message_id="<e2e@x.test>"))
    ticket = Ticket.objects.get(pk=result.ticket)

    agent = session(locale="nl-NL")
    agent.login("agent", "pw-agent-123")
    agent.go(f"/console/tickets/{ticket.pk}/")
    page = agent.page
    page.click("#correct summary")
    page.select_option("#correct_organisation", str(bakker.pk))
    page.select_option("#correct_agreement", str(agreement.pk))
    page.fill("#correct_new_contact_name", "Iemand Elders")
    page.fill("#correct_error_code", "SHP-401")
    page.fill("#correct_reason", "klant van De Vries")
    agent.submit("#correct button[type=submit]")
    assert "Het verzoek is gecorrigeerd." in page.inner_text("main")
    assert "nog te beoordelen" in page.inner_text("main")
    assert "Gecorrigeerd: foutcode: – → SHP-401; organisatie: – → Bakkerij De Vries B.V." in page.inner_text("main")
    ticket.refresh_from_db()
    assert ticket.contact.email == "iemand@elders.test" and ticket.priority_provisional

    page.select_option("#id_impact", "organisation")
    page.select_option("#id_urgency", "high")
    page.fill("#priority #id_reason", "hele bedrijf ligt stil")
    agent.submit("#priority button[type=submit]")
    ticket.refresh_from_db()
    assert ticket.priority == "A" and not ticket.priority_provisional
    # the header's badge is gone; the history still tells (in Dutch) how the provisional level came
    assert page.locator(".badge.provisional").count() == 0
    assert "(voorlopige prioriteit C (catalogus), nog te beoordelen)" in page.inner_text("main")

    question, _ = create_ticket(NewRequest(organisation=bakker, agreement=agreement, contact=jan, kind="question",
                                           subject="Hoe exporteer ik?"))
    agent.go(f"/console/tickets/{question.pk}/")
    page.fill("#plan_planned_at", "2027-01-15T12:00")
    agent.submit("#plan button[type=submit]")
    assert "De geplande oplosdatum is opgeslagen." in page.inner_text("main")

    klant = session(locale="nl-NL")
    klant.login("jan", "pw-customer-123")
    klant.go(f"/portal/requests/{question.pk}/")
    assert "Geplande oplossing" in klant.page.inner_text("main")
    assert "15 januari 2027 12:00" in klant.page.inner_text("main")
