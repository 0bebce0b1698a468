"""API rules beyond the basics: who may set a priority, JSON 404s for unknown API paths."""

import pytest

from meldpunt.tickets.models import Ticket
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db


def test_customer_cannot_set_the_priority_but_may_describe_impact(desk):
    customer = Api(desk["a_coord"].user)
    body = {"subject": "Stock report empty", "agreement": desk["agr_a"].code, "priority": "A"}
    refused = customer.post("/api/tickets", body)
    assert refused.status_code == 400 and "agent will decide" in refused.json()["detail"]
    assert Ticket.objects.count() == 0
    body = {"subject": "Stock report empty", "agreement": desk["agr_a"].code, "impact": "one", "urgency": "medium"}
    created = customer.post("/api/tickets", body)
    assert created.status_code == 201 and created.json()["priority"] == "C"


def test_unknown_api_path_answers_json_404(desk):
    response = Api(desk["staff"]).get("/api/nope")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
