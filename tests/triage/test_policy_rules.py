"""Rules from the policies that are catalog data (issue 20 item 1), each test quoting its seed."""

import pytest
from django.utils import translation

from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_preset, parse_catalog, preset_text
from meldpunt.tickets.models import TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.triage import requests as tr
from meldpunt.triage import services
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _ticket(vendor, package, **extra):
    org = f.organisation(language="nl")
    coordinator = f.contact(org)
    agreement = f.agreement(org, vendor, package, coordinator=coordinator)
    ticket = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=coordinator,
                                      subject="Verversen faalt", description="Het verversen stopt met een fout.",
                                      **extra))[0]
    return ticket, coordinator


def test_invantive_category_request_needs_no_motivation_until_an_agent_asks_for_one():
    """Seed 000: "Wij verzoeken u ons op de hoogte te stellen wanneer een andere categorie naar uw mening
    beter overeenkomt met de feitelijke situatie. Indien nodig zullen wij u vragen dit te motiveren." """
    ticket, coordinator = _ticket("invantive", "subscription")
    found = tr.request_category(ticket, requested="II", motivation="", by=coordinator.user)
    assert found.state == "pending" and found.motivation == ""
    agent = f.staff_user()
    tr.ask_motivation(found, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"
    question = ticket.messages.get(public=True)
    assert question.body.startswith("U vroeg om Categorie II") and "toelichten" in question.body
    assert TicketEvent.objects.filter(ticket=ticket, kind="category_motivation_asked").exists()


def test_a_catalog_without_the_rule_still_needs_a_motivation_of_a_sentence():
    """Seed 003 names no such leniency: Infor's preset keeps a motivation required."""
    assert load_preset("infor").priority.category_motivation == "required"
    ticket, coordinator = _ticket("infor", "xtreme")
    with pytest.raises(services.TriageError, match="motivation"):
        tr.request_category(ticket, requested="critical", motivation="", by=coordinator.user)


def test_an_unknown_motivation_rule_is_refused_with_the_field():
    text = preset_text("invantive").replace('category_motivation = "when_asked"', 'category_motivation = "sometimes"')
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "invantive.toml")
    assert bad.value.field == "priority.category_motivation" and "required, when_asked" in bad.value.reason


def test_monitoring_alerts_come_in_only_where_the_agreement_includes_monitoring(desk):
    """Seed 004: every PrioritySupport package lists "monitoring"; seeds 000/001/003 offer none."""
    from tests.support.desk_fixtures import Api

    alert = {"subject": "Disk 95% full on erp-prod-01", "description": "Monitoring alert", "channel": "monitoring",
             "agreement": desk["agr_a"].code}
    api = Api(desk["a_coord"].user)
    response = api.post("/api/tickets", alert)
    assert response.status_code == 201 and response.json()["channel"] == "monitoring"
    assert api.post("/api/tickets", {**alert, "agreement": None}).status_code == 400
    org = desk["org_a"]
    invantive = f.agreement(org, "invantive", "subscription")
    refused = api.post("/api/tickets", {**alert, "agreement": invantive.code})
    assert refused.status_code == 400
    assert "need the entitlement “Monitoring alerts become incidents”" in refused.json()["detail"]
    with translation.override("en"):  # the Dutch request leaves Dutch active; put English back after
        dutch = api.post("/api/tickets", {**alert, "agreement": invantive.code}, HTTP_ACCEPT_LANGUAGE="nl")
    assert "vragen het recht “Monitoring: meldingen worden incidenten”" in dutch.json()["detail"]
    assert api.post("/api/tickets", {**alert, "agreement": invantive.code, "channel": "api"}).status_code == 201


def test_a_catalog_channel_rule_must_name_a_known_channel_and_entitlement():
    text = preset_text("erpm").replace("[channels.monitoring]", "[channels.pigeon]")
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "erpm.toml")
    assert bad.value.field == "channels.pigeon" and "unknown channel" in bad.value.reason


@pytest.mark.django_db(transaction=True)
def test_a_licence_key_mail_is_a_licence_key_request_not_an_incident(smtp_sink):
    """Seed 000: "Een nieuwe licentiesleutel kan worden aangevraagd door een e-mail te sturen naar
    license@invantive.com." """
    from meldpunt.intake.services import ingest
    from meldpunt.tickets.models import Ticket
    from tests.support.samples import mail

    org = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(org)
    f.agreement(org, "invantive", "subscription", coordinator=jan)
    sender = f"Jan <{jan.email}>"
    key = ingest(mail(sender=sender, subject="Nieuwe licentiesleutel nodig voor 24.0", body="Graag een sleutel."))
    other = ingest(mail(sender=sender, subject="Licensed feature crashes", message_id="<m-2@x.test>",
                        body="Het rapport crasht."))
    assert Ticket.objects.get(pk=key.ticket).kind == "licence_key"
    assert Ticket.objects.get(pk=other.ticket).kind == "incident"


def test_a_licence_key_may_be_requested_with_company_name_and_address_instead_of_the_code():
    """Seed 000: "Vergeet niet uw overeenkomstcode of bedrijfsnaam en adres te vermelden." Seed 001:
    "Please remember to include your agreement code or company data." """
    org = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(org)
    agreement = f.agreement(org, "invantive", "subscription", coordinator=jan)
    ticket = tr.request_licence_key(contact=jan, version="24.0", company_name="bakkerij de vries bv",
                                    company_address="Dorpsstraat 1, 9700 AA Groningen")
    assert ticket.kind == "licence_key" and ticket.agreement == agreement
    assert "Dorpsstraat 1, 9700 AA Groningen" in ticket.description
    with pytest.raises(services.TriageError, match="not the name of your organisation"):
        tr.request_licence_key(contact=jan, version="24.0", company_name="Andere Bakker BV", company_address="X 1")
    with pytest.raises(services.TriageError, match="company name and address"):
        tr.request_licence_key(contact=jan, version="24.0", company_name="Bakkerij De Vries", company_address=" ")


def test_the_api_takes_company_data_and_a_catalog_without_the_rule_wants_the_code(desk):
    from tests.support.desk_fixtures import Api

    org = desk["org_a"]
    f.agreement(org, "invantive", "subscription", coordinator=desk["a_coord"])
    api = Api(desk["a_coord"].user)
    asked = api.post("/api/triage/licence-key-requests", {"company_name": org.name, "company_address": "Straat 1",
                                                          "version": "24.0"})
    assert asked.status_code == 201, asked.content
    infor_org = desk["org_b"]
    f.agreement(infor_org, "infor", "xtreme", coordinator=desk["b_coord"])
    refused = Api(desk["b_coord"].user).post("/api/triage/licence-key-requests", {
        "company_name": infor_org.name, "company_address": "Street 2", "version": "1"})
    assert refused.status_code == 400 and "agreement code" in refused.json()["detail"]


def test_the_portal_offers_company_data_only_where_the_vendor_takes_it(client, desk):
    """Seed 001: "Please remember to include your agreement code or company data." Infor and ERP.M
    ask for the agreement code: their customers are not offered the company fields."""
    f.agreement(desk["org_a"], "invantive", "subscription", coordinator=desk["a_coord"])
    f.agreement(desk["org_b"], "infor", "xtreme", coordinator=desk["b_coord"])
    client.force_login(desk["a_coord"].user)
    invantive = client.get("/portal/licence-keys/").content.decode()
    assert 'name="company_name"' in invantive
    client.force_login(desk["b_coord"].user)
    infor = client.get("/portal/licence-keys/").content.decode()
    assert 'name="company_name"' not in infor and 'name="agreement_code"' in infor
    refused = client.post("/portal/licence-keys/", {"version": "1", "company_name": desk["org_b"].name})
    assert refused.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_invantive_mail_to_an_employee_counts_as_received_when_registered(smtp_sink):
    """Seed 001: "Emails for an incident to mailboxes of individual employees are handled manually but
    are not recognized as formally received unless confirmed by a registration mail from the support
    portal." ERP.M's seed says nothing of it: its forwarded mail keeps the original date."""
    from django.utils import timezone

    from meldpunt.contracts.models import Contact
    from meldpunt.intake.services import register_forward
    from meldpunt.tickets.models import Ticket
    from tests.support.samples import forwarded, mail

    org = f.organisation("Bakkerij De Vries", language="nl")
    Contact.objects.create(organisation=org, name="Jan de Vries", email="jan@devries.test", language="nl")
    f.agreement(org, "invantive", "subscription")
    before = timezone.now()
    ticket = Ticket.objects.get(pk=register_forward(forwarded(mail()), agent=f.staff_user()).ticket)
    assert ticket.received_at >= before  # not the original Date of 27 November 2026
    assert load_preset("erpm").forwarded_mail_received == "original_date"
