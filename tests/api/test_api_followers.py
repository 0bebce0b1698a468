"""/api/tickets/{id}/followers (issue 19 item 5): staff and the organisation's coordinator
change the followers within the rules of intake.followers; others get 403 or 404."""

from __future__ import annotations

import pytest

from meldpunt.intake.models import Follower
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db


def test_followers_through_the_api_for_each_role(desk):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_plain"],
                                         subject="Export", kind="question"))
    staff, coord, plain, other = (Api(desk[k] if k == "staff" else desk[k].user)
                                  for k in ("staff", "a_coord", "a_plain", "b_coord"))
    url = f"/api/tickets/{ticket.pk}/followers"
    added = coord.post(url, {"email": desk["a_plain2"].email})
    assert added.status_code == 201 and added.json()["source"] == "coordinator"
    refused = coord.post(url, {"email": desk["b_coord"].email})
    assert refused.status_code == 400 and "only contacts" in refused.json()["detail"]
    assert staff.post(url, {"email": "partner@consult.test"}).status_code == 400
    outside = staff.post(url, {"email": "partner@consult.test", "outside": True})
    assert outside.status_code == 201 and outside.json()["contact"] is None
    assert [r["email"] for r in plain.get(url).json()] == [desk["a_plain2"].email, "partner@consult.test"]
    assert plain.post(url, {"email": desk["a_coord"].email}).status_code == 403
    assert other.get(url).status_code == 404 and other.post(url, {"email": "x@y.test"}).status_code == 404
    follower = Follower.objects.get(email="partner@consult.test")
    assert other.client.delete(f"{url}/{follower.pk}", **other.headers).status_code == 404
    assert staff.client.delete(f"{url}/{follower.pk}", **staff.headers).status_code == 204
    assert staff.client.delete(f"{url}/{follower.pk}", **staff.headers).status_code == 404
    assert Api().get(url).status_code == 401
