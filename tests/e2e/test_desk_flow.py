"""The whole path of one incident through a real browser, in Dutch (issue 6):

a customer files it and sees the confirmation and the "Call/New" state; an agent accepts
it, replies, asks for information (the clock pauses); the customer answers in the portal
(the clock resumes); the agent resolves it. A customer of another organisation gets 404.
The main pages are saved as screenshots into docs/screenshots/ on the way.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from meldpunt.tickets.models import Clock, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER_PW = "pw-customer-123"
AGENT_PW = "pw-agent-123"


@pytest.fixture
def desk():
    bakker = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(bakker, username="jan", language="nl")
    agreement = f.agreement(bakker, "erpm", "medium", addons=["premium", ("koppeling", 3)], coordinator=jan,
                            declared_users=60, declared_customisation_lines=12000)
    agreement.addons.filter(addon="koppeling").update(names=["Exact Online", "Shopify", "PostNL"])
    other = f.organisation("Northwind Traders Ltd", language="en")
    emma = f.contact(other, username="emma", language="en")
    f.agreement(other, "invantive", "subscription", coordinator=emma)
    agent = f.staff_user("agent")
    return {"jan": jan, "emma": emma, "agent": agent, "agreement": agreement, "org": bakker}


def test_incident_from_portal_to_resolution_in_dutch(session, desk):
    klant = session(locale="nl-NL")
    klant.login("jan", CUSTOMER_PW)
    assert klant.page.locator("html").get_attribute("lang") == "nl"

    # The customer files an incident; the form says why it asks for each part.
    klant.go("/portal/requests/new/")
    page = klant.page
    page.select_option("#id_kind", "incident")
    page.fill("#id_subject", "Orders uit Shopify komen niet meer binnen")
    page.fill("#id_description", "Sinds 07:10 komen er geen orders meer binnen via de Shopify-koppeling.")
    page.fill("#id_product", "ERP.M")
    page.fill("#id_product_version", "2026.1")
    page.fill("#id_error_code", "SHP-401")
    page.fill("#id_reproduction", "1. Open Verkooporders\n2. Klik op Ophalen uit Shopify\n3. Foutmelding SHP-401")
    page.select_option("#id_impact", "organisation")
    page.select_option("#id_urgency", "high")
    assert page.locator("#incident-fields").is_visible()
    klant.shot("portal-new-request.png")
    klant.submit("form.request-form button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/requests/\d+/registered/$"))
    ticket = Ticket.objects.get(subject="Orders uit Shopify komen niet meer binnen")
    assert page.inner_text("#ticket-number") == f"#{ticket.pk}"
    body = page.inner_text("main")
    assert "Call" in body and "Nieuw" in body  # seed 002: Call + New = not yet accepted
    assert ticket.priority == "A" and ticket.status == "new" and ticket.language == "nl"

    # The agent finds it in the triage queue and opens it from the keyboard.
    agent = session(locale="nl-NL")
    agent.login("agent", AGENT_PW)
    agent.go("/console/?queue=triage")
    row = agent.page.locator(f'tr[data-href="/console/tickets/{ticket.pk}/"]')
    assert row.is_visible()
    agent.shot("console-queue.png")
    agent.page.keyboard.press("j")
    with agent.page.expect_navigation(url=f"**/console/tickets/{ticket.pk}/"):
        agent.page.keyboard.press("Enter")

    # Accept under the contract (Call + Approved), reply, then ask for information.
    agent.submit('#status button[name=status][value=approved]')
    ticket.refresh_from_db()
    assert ticket.status == "approved"
    agent.page.keyboard.press("r")
    assert agent.page.evaluate("document.activeElement.id") == "id_body"
    agent.page.fill("#id_body", "Dank voor de melding, we herstarten de koppeling.")
    agent.submit("#reply button[type=submit]")
    agent.page.fill("#id_body", "Welke Shopify-winkel gebruikt u? Stuur ook een schermafdruk van de fout.")
    agent.page.select_option("#id_then_status", "waiting_customer")
    agent.submit("#reply button[type=submit]")
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"
    assert Clock.objects.get(ticket=ticket, metric="resolution").state == "paused"
    assert Clock.objects.get(ticket=ticket, metric="response").stopped_at is not None

    # The customer sees the questions and answers in the portal: the clock resumes.
    klant.go(f"/portal/requests/{ticket.pk}/")
    assert "Welke Shopify-winkel" in klant.page.inner_text("main")
    klant.page.fill("#id_body", "De winkel is bakkerij-devries.myshopify.com.")
    klant.submit("section[aria-labelledby=answer-h] form button[type=submit]")
    assert "bakkerij-devries.myshopify.com" in klant.page.inner_text("main")
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    assert Clock.objects.get(ticket=ticket, metric="resolution").state == "running"

    # The agent sees the answer and resolves the request.
    agent.go(f"/console/tickets/{ticket.pk}/")
    assert "bakkerij-devries.myshopify.com" in agent.page.inner_text("main")
    agent.shot("console-ticket.png")
    agent.page.select_option("#id_status", "resolved")
    agent.submit("#status button[type=submit]:not([name])")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert Clock.objects.get(ticket=ticket, metric="resolution").stopped_at is not None

    # A customer of another organisation cannot reach it by URL.
    vreemde = session(locale="en-GB")
    vreemde.login("emma", CUSTOMER_PW)
    for path in (f"/portal/requests/{ticket.pk}/", f"/portal/requests/{ticket.pk}/registered/",
                 f"/console/tickets/{ticket.pk}/", f"/portal/agreements/{desk['agreement'].pk}/"):
        assert vreemde.go(path).status == 404, path
    assert "Orders uit Shopify" not in vreemde.page.content()


def test_portal_pages_on_a_phone_and_the_agreement(session, desk):
    jan, agreement = desk["jan"], desk["agreement"]
    made = []
    for subject, kind, extra in [
        ("Koppeling met PostNL geeft time-outs", "incident", {"impact": "multiple", "urgency": "medium"}),
        ("Hoe stel ik een tweede magazijn in?", "question", {}),
        ("Advies over migratie naar 2026.2", "advisory", {}),
    ]:
        made.append(create_ticket(NewRequest(organisation=jan.organisation, agreement=agreement, contact=jan, subject=subject,
                                             kind=kind, received_at=timezone.now(), **extra))[0])
    change_status(made[0], "approved")
    add_message(made[0], "We onderzoeken de time-outs.", author=desk["agent"])

    klant = session(locale="nl-NL", viewport=(390, 844))
    klant.login("jan", CUSTOMER_PW)
    klant.go("/portal/")
    text = klant.page.inner_text("main")
    assert all(t.subject in text for t in made)
    # Nothing sticks out sideways on a phone screen.
    assert klant.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), klant.page.evaluate("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 15)")
    klant.shot("portal-requests-phone.png")

    wide = session(locale="nl-NL")
    wide.login("jan", CUSTOMER_PW)
    wide.go("/portal/")
    wide.shot("portal-requests.png")
    wide.go(f"/portal/agreements/{agreement.pk}/")
    text = wide.page.inner_text("main")
    assert agreement.code in text and "PrioritySupport Medium" in text and "Exact Online" in text
    assert "60 / 75" in text
    wide.shot("portal-agreement.png")


def test_queue_refreshes_without_a_reload_and_the_language_switch_sticks(session, desk):
    jan, agreement = desk["jan"], desk["agreement"]
    create_ticket(NewRequest(organisation=jan.organisation, agreement=agreement, contact=jan, subject="Eerste melding",
                             impact="one", urgency="high"))
    agent = session(locale="en-GB")
    agent.login("agent", AGENT_PW)
    agent.go("/console/")
    assert agent.page.locator("html").get_attribute("lang") == "en"
    agent.page.evaluate("window.__sameDocument = true")
    create_ticket(NewRequest(organisation=jan.organisation, agreement=agreement, contact=jan, subject="Tweede melding",
                             impact="organisation", urgency="high"))
    # The polling request (every 15 s) is the same htmx call; fire it now instead of waiting.
    agent.page.evaluate("""htmx.ajax('GET', location.href, {target: '#queue-rows', swap: 'outerHTML'})""")
    agent.page.wait_for_selector("text=Tweede melding")
    assert agent.page.evaluate("window.__sameDocument") is True

    # Switch to Dutch; it is remembered on the next visit.
    with agent.page.expect_navigation():
        agent.page.select_option("#lang", "nl")
    assert agent.page.locator("html").get_attribute("lang") == "nl"
    agent.go(f"/console/tickets/{Ticket.objects.get(subject='Tweede melding').pk}/")
    assert agent.page.locator("html").get_attribute("lang") == "nl"
    assert "Uitloggen" in agent.page.inner_text("header")
