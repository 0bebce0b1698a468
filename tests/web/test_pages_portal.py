"""The customer portal: requests with the seed 002 state, the request form, the agreement,
contacts, and the language remembered per user."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from meldpunt.contracts.models import Contact
from meldpunt.tickets.models import Clock, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db

INCIDENT = {
    "kind": "incident", "subject": "Invoice run stops", "description": "The run stops at customer 17.",
    "product": "ERP.M", "product_version": "2026.1", "error_code": "E-4711",
    "reproduction": "1. Open invoicing\n2. Start the run", "impact": "multiple", "urgency": "high",
    "idempotency_key": "k1",
}


def _ticket(desk, who="a_coord", subject="Printer", **extra):
    contact = desk[who]
    return create_ticket(NewRequest(organisation=contact.organisation, agreement=desk[f"agr_{who[0]}"], contact=contact,
                                    subject=subject, impact="one", urgency="low", **extra))[0]


def _login(client, contact):
    client.force_login(contact.user)
    return client


def test_coordinator_sees_the_organisation_and_a_plain_contact_only_their_own(client, desk):
    _ticket(desk, "a_coord", "Coordinator's request")
    _ticket(desk, "a_plain", "Plain request")
    _ticket(desk, "b_coord", "Beta request")
    html = _login(client, desk["a_coord"]).get("/portal/").content.decode()
    assert "Coordinator&#x27;s request" in html and "Plain request" in html and "Beta request" not in html
    html = _login(client, desk["a_plain2"]).get("/portal/").content.decode()
    assert "Plain request" not in html and "No requests." in html


def test_another_organisations_ids_answer_404(client, desk):
    theirs = _ticket(desk, "b_coord")
    _login(client, desk["a_coord"])
    for url in (f"/portal/requests/{theirs.pk}/", f"/portal/requests/{theirs.pk}/registered/",
                f"/portal/agreements/{desk['agr_b'].pk}/", f"/tickets/{theirs.pk}/"):
        assert client.get(url, follow=True).status_code == 404, url
    assert client.post(f"/portal/requests/{theirs.pk}/", {"body": "hi"}).status_code == 404
    assert not Ticket.objects.get(pk=theirs.pk).messages.exists()


def test_seed_002_state_call_new_then_approved_and_advisory(client, desk):
    ticket = _ticket(desk)
    advisory = _ticket(desk, subject="Advice please", kind="advisory")
    _login(client, desk["a_coord"])
    html = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "Category: Call" in html and "Status: New" in html and "Not yet accepted" in html
    change_status(ticket, "approved")
    html = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "Status: Approved" in html and "Accepted for handling under the support contract" in html
    html = client.get(f"/portal/requests/{advisory.pk}/").content.decode()
    assert "Category: Advisory" in html and "proposal" in html


def test_filing_a_complete_incident_shows_the_confirmation_with_the_number(client, desk):
    _login(client, desk["a_coord"])
    form = client.get("/portal/requests/new/").content.decode()
    assert "Why we ask" in form
    assert "itgen" not in form  # an ERP.M customer: Invantive's hint is Invantive's catalog data
    response = client.post("/portal/requests/new/", {**INCIDENT, "agreement": desk["agr_a"].pk})
    ticket = Ticket.objects.get(subject="Invoice run stops")
    assert response.status_code == 302 and response["Location"].endswith(f"/portal/requests/{ticket.pk}/registered/")
    html = client.get(response["Location"]).content.decode()
    assert f"#{ticket.pk}" in html and "Category: Call" in html and "Status: New" in html
    assert (ticket.priority, ticket.channel, ticket.product_version, ticket.error_code) == ("A", "portal", "2026.1", "E-4711")
    assert ticket.contact == desk["a_coord"]


def test_the_error_code_hint_comes_from_the_customers_catalogs(client, desk):
    _login(client, desk["a_coord"])
    f.agreement(desk["org_a"], "invantive", "subscription", coordinator=desk["a_coord"])
    form = client.get("/portal/requests/new/").content.decode()
    assert "Invantive: Invantive error codes start with itgen." in form  # two vendors: named by vendor
    client.cookies["django_language"] = "nl"
    assert "Invantive: Invantive-foutcodes beginnen met itgen." in client.get("/portal/requests/new/").content.decode()


def test_sending_the_form_twice_registers_one_request(client, desk):
    _login(client, desk["a_coord"])
    for _ in range(2):
        client.post("/portal/requests/new/", {**INCIDENT, "agreement": desk["agr_a"].pk})
    assert Ticket.objects.filter(subject="Invoice run stops").count() == 1


def test_an_incomplete_incident_is_refused_with_reasons_and_nothing_registered(client, desk):
    _login(client, desk["a_coord"])
    data = {**INCIDENT, "agreement": desk["agr_a"].pk, "reproduction": "", "product_version": "", "impact": ""}
    response = client.post("/portal/requests/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("An incident report needs this to be worked on.") == 2 and "it decides the priority" in html
    assert "The version." in html and "The steps that show the problem." in html  # the catalog's words
    assert not Ticket.objects.exists()


def test_bad_input_on_the_form_never_errors(client, desk):
    _login(client, desk["a_coord"])
    for data in ({}, {**INCIDENT, "agreement": desk["agr_b"].pk}, {**INCIDENT, "agreement": "x"},
                 {**INCIDENT, "agreement": desk["agr_a"].pk, "kind": "licence_key"},
                 {**INCIDENT, "agreement": desk["agr_a"].pk, "priority": "A", "impact": "galaxy"}):
        assert client.post("/portal/requests/new/", data).status_code == 400, data
    assert not Ticket.objects.exists()


def test_customers_cannot_set_the_priority(client, desk):
    _login(client, desk["a_coord"])
    client.post("/portal/requests/new/", {**INCIDENT, "agreement": desk["agr_a"].pk, "impact": "one",
                                          "urgency": "low", "priority": "A"})
    assert Ticket.objects.get().priority == "D"


def test_question_needs_no_incident_fields(client, desk):
    _login(client, desk["a_plain"])
    response = client.post("/portal/requests/new/", {
        "agreement": desk["agr_a"].pk, "kind": "question", "subject": "How do I add a warehouse?",
        "description": "Second warehouse", "idempotency_key": "q1"})
    assert response.status_code == 302
    assert Ticket.objects.get().priority == "D"


def test_a_customer_answer_resumes_the_paused_clock(client, desk):
    ticket = _ticket(desk)
    change_status(ticket, "waiting_customer")
    _login(client, desk["a_coord"])
    assert "waiting for your answer" in client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert client.post(f"/portal/requests/{ticket.pk}/", {"body": ""}).status_code == 400
    response = client.post(f"/portal/requests/{ticket.pk}/", {"body": "Version 2026.1"}, follow=True)
    assert "Version 2026.1" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    resolution = Clock.objects.get(ticket=ticket, metric="resolution")
    assert resolution.state != "paused" and resolution.pauses[-1][1] is not None


def test_agreement_page_shows_package_addons_limits_hours_and_holidays(client):
    org = f.organisation("Gamma BV", language="en")
    person = f.contact(org)
    agr = f.agreement(org, "erpm", "small", addons=["premium", ("koppeling", 2)], declared_users=30)
    client.force_login(person.user)
    assert client.get("/portal/agreements/", follow=True).redirect_chain[-1][0] == f"/portal/agreements/{agr.pk}/"
    html = client.get(f"/portal/agreements/{agr.pk}/").content.decode()
    for text in ("PrioritySupport Small", "× 2", "30 / 25", "over the limit", "Workdays 09:00–17:00",
                 "Premium incidents", "Emergency number for incidents", "Upcoming holidays"):
        assert text in html, text
    year = timezone.localdate().year
    assert f"25 December {year}" in html or "Christmas" in html


def test_coordinator_adds_and_deactivates_contacts_plain_contacts_cannot(client, desk):
    assert _login(client, desk["a_plain"]).get("/portal/contacts/").status_code == 404
    _login(client, desk["a_coord"])
    response = client.post("/portal/contacts/", {"name": "Nina Nieuw", "email": "Nina@alpha.test", "language": "en"})
    assert response.status_code == 200
    nina = Contact.objects.get(email="nina@alpha.test")
    assert nina.organisation == desk["org_a"] and not nina.user.has_usable_password()
    link = response.context["invitation"]
    assert client.post("/portal/contacts/", {"name": "Twin", "email": "nina@alpha.test", "language": "en"}).status_code == 400
    client.post(f"/portal/contacts/{nina.pk}/active/", {"active": "0"})
    nina.user.refresh_from_db()
    assert not nina.user.is_active
    client.post(f"/portal/contacts/{desk['a_coord'].pk}/active/", {"active": "0"})
    desk["a_coord"].user.refresh_from_db()
    assert desk["a_coord"].user.is_active
    assert client.post(f"/portal/contacts/{desk['b_coord'].pk}/active/", {"active": "0"}).status_code == 404
    client.post(f"/portal/contacts/{nina.pk}/active/", {"active": "1"})
    client.logout()
    path = link.split("testserver", 1)[1]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"})
    assert client.login(username="nina@alpha.test", password="a-long-new-pass-42")


def test_language_switch_is_remembered_for_the_contact(client, desk):
    person = desk["a_coord"]
    person.language = "nl"
    person.save()
    _login(client, person)
    response = client.post("/language/", {"language": "en", "next": "/portal/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    person.refresh_from_db()
    assert person.language == "en"
    client.logout()
    client.cookies.clear()
    get_user_model().objects.filter(pk=person.user.pk).update(password="")
    person.user.set_password("pw-x-123456")
    person.user.save()
    response = client.post("/login/", {"username": person.user.username, "password": "pw-x-123456"})
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in client.get("/portal/").content.decode()


def test_portal_pages_speak_dutch(client, desk):
    ticket = _ticket(desk)
    _login(client, desk["a_coord"])
    client.cookies["django_language"] = "nl"
    html = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert 'lang="nl"' in html and "Status: Nieuw" in html and "Uitloggen" in html
