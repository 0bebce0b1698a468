"""The API takes the incident details the completeness rules ask for (issue 20 item 2; seed 000:
"Reproductiescenario op een geïsoleerde omgeving, zoals product, versie en opeenvolgende te nemen stappen")."""

import pytest

from meldpunt.tickets.models import Ticket
from meldpunt.triage.models import Assessment
from meldpunt.triage.tasks import follow_up
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db

DETAILS = {"product": "Sales", "product_version": "17.0", "error_code": "E-4711",
           "reproduction": "1. Open an invoice\n2. Press Post"}


def _incident(code, **extra):
    return {"subject": "Invoice posting fails", "description": "Posting an invoice fails with a message.",
            "agreement": code, "impact": "one", "urgency": "low", **extra}


def test_an_incident_with_its_details_is_stored_shown_and_complete(desk):
    response = Api(desk["a_coord"].user).post("/api/tickets", _incident(desk["agr_a"].code, **DETAILS))
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in DETAILS} == DETAILS
    ticket = Ticket.objects.get(pk=body["id"])
    assert (ticket.product, ticket.product_version, ticket.error_code) == ("Sales", "17.0", "E-4711")
    follow_up.call()
    assert Assessment.objects.get(ticket=ticket).completeness == "complete"


def test_without_details_the_check_names_each_missing_one(desk):
    response = Api(desk["a_coord"].user).post("/api/tickets", _incident(desk["agr_a"].code))
    follow_up.call()
    missing = Assessment.objects.get(ticket_id=response.json()["id"]).missing
    assert [m["field"] for m in missing] == ["product", "product_version", "reproduction"]


def test_an_over_long_detail_is_a_clear_400(desk):
    response = Api(desk["a_coord"].user).post("/api/tickets", _incident(desk["agr_a"].code, product_version="9" * 61))
    assert response.status_code in (400, 422) and "product_version" in response.content.decode()
    assert not Ticket.objects.exists()
