"""The pages a new user meets: catalogs, the request list, the deadline panel, both languages."""

import pytest
from django.core.management import call_command

from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo")


def test_catalogs_page_shows_the_three_presets(client):
    f.catalogs()
    html = client.get("/catalogs/").content.decode()
    for text in ("Invantive", "Infor Xtreme", "ERP.M", "PrioritySupport Medium", "545.00", "Xtreme Elite Support", "PriorityMigration"):
        assert text in html


def test_catalogs_page_in_dutch(client):
    f.catalogs()
    html = client.get("/catalogs/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Werkdagen 09:00–17:00" in html and "Noodnummer voor incidenten" in html
    # the shared entitlement names in Dutch, from the catalogue (core.vocabulary holds English)
    assert "Toegang op afstand (klant autoriseert en is aanwezig; alleen meekijken)" in html and "Remote access" not in html


def test_demo_load_twice_changes_nothing(demo):
    tickets = Ticket.objects.count()
    call_command("load_demo")
    assert Ticket.objects.count() == tickets == 12


def test_staff_sees_all_open_requests_with_next_deadline(client, demo):
    client.login(username="agent", password="agent-demo-2026")
    html = client.get("/", follow=True).content.decode()
    assert "Orders uit Shopify komen niet meer binnen" in html
    assert "itgenclr073" in html


def test_customer_sees_own_requests_and_agreement_but_not_others(client, demo):
    client.login(username="emma", password="emma-demo-2026")
    html = client.get("/", follow=True).content.decode()
    assert "itgenclr073" in html and "INV-NW-7731" in html
    assert "Shopify" not in html
    other = Ticket.objects.get(subject__startswith="Orders uit Shopify")
    assert client.get(f"/tickets/{other.pk}/", follow=True).status_code == 404
    assert client.get(f"/portal/requests/{other.pk}/").status_code == 404


def test_ticket_page_explains_each_deadline(client):
    org = f.organisation(language="en")
    person = f.contact(org, username="pat")
    agr = f.agreement(org, "erpm", "small")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agr, contact=person, subject="Invoice run fails",
                                         impact="organisation", urgency="high", received_at=f.ams(2026, 12, 24, 16, 0)))
    client.login(username="pat", password="pw-customer-123")
    html = client.get(f"/tickets/{ticket.pk}/", follow=True).content.decode()
    assert "Skipped holiday: Friday 25 December 2026, Christmas Day" in html
    assert "Due: Monday 28 December 2026 16:00" in html
    nl = client.get(f"/portal/requests/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Overgeslagen feestdag: vrijdag 25 december 2026, Eerste kerstdag" in nl


def test_anonymous_ticket_page_asks_to_log_in(client):
    response = client.get("/tickets/1/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_login_page_and_bad_ids_do_not_error(client, demo):
    assert client.get("/login/").status_code == 200
    client.login(username="agent", password="agent-demo-2026")
    assert client.get("/tickets/999999999/", follow=True).status_code == 404
    assert client.get("/tickets/abc/").status_code == 404
    assert client.get("/console/tickets/999999999/").status_code == 404


def test_pages_speak_dutch_when_asked(client, demo):
    client.login(username="jan", password="jan-demo-2026")
    html = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'lang="nl"' in html and "Eerstvolgende deadline" in html and "Uitloggen" in html
    html = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Requests of Bakkerij De Vries B.V." in html and "Next deadline" in html
