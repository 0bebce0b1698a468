"""The write API for organisations, contacts and agreements (issue 22 item 2): vendor staff
create, change and end them with the admin's rules; customers read their own and write nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest

from meldpunt.contracts.models import Agreement, Contact, Organisation
from tests.support import factories as f
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db


def _patch(api: Api, path: str, body: dict):
    return api.client.patch(path, json.dumps(body), content_type="application/json", **api.headers)


def _agreement_body(org_id: int, **extra) -> dict:
    return {"code": "AGR-API-1", "organisation": org_id, "catalog": "erpm", "package": "medium",
            "addons": [{"addon": "koppeling", "quantity": 2, "names": ["Exact Online", "AFAS"]}, {"addon": "premium"}],
            "starts_on": "2026-01-01", "declared_users": 30, **extra}


def test_staff_create_an_organisation_a_contact_and_an_agreement(desk):
    api = Api(desk["staff"])
    r = api.post("/api/organisations", {"name": "Gamma BV", "number": "C-77", "language": "en"})
    assert r.status_code == 201, r.content
    org = r.json()
    assert (org["name"], org["number"], org["language"]) == ("Gamma BV", "C-77", "en")
    r = api.post("/api/contacts", {"organisation": org["id"], "name": "Gea", "email": "Gea@Gamma.test", "is_coordinator": True})
    assert r.status_code == 201, r.content
    contact = r.json()
    assert contact["email"] == "gea@gamma.test" and contact["active"] is True
    assert Contact.objects.get(pk=contact["id"]).user.has_usable_password() is False
    r = api.post("/api/agreements", _agreement_body(org["id"], coordinator=contact["id"]))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["package"]["id"] == "medium" and body["coordinator"]["id"] == contact["id"]
    assert {(a["addon"], a["quantity"], tuple(a["names"])) for a in body["addons"]} == {
        ("koppeling", 2, ("Exact Online", "AFAS")), ("premium", 1, ())}
    assert "emergency_number" in body["entitlements"] or body["problems"] == []


def test_a_repeated_idempotency_key_returns_the_first_row(desk):
    api = Api(desk["staff"])
    first = api.post("/api/organisations", {"name": "Once BV"}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/organisations", {"name": "Once BV"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Organisation.objects.filter(name="Once BV").count() == 1
    other = api.post("/api/contacts", {"organisation": first.json()["id"], "name": "X", "email": "x@once.test"},
                     HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409


def test_the_admin_rules_refuse_with_400_naming_the_field(desk):
    api = Api(desk["staff"])
    org = desk["org_a"].pk
    cases = [
        (_agreement_body(org, package="huge"), "package"),
        (_agreement_body(org, ends_on="2025-12-31"), "ends_on"),
        (_agreement_body(org, addons=[{"addon": "koppeling", "quantity": 1, "names": ["A", "B"]}]), "addons"),
        (_agreement_body(org, coordinator=desk["b_coord"].pk), "coordinator"),
        (_agreement_body(org, code=desk["agr_b"].code), "code"),
        (_agreement_body(org, catalog="nobody"), "catalog"),
    ]
    for body, field in cases:
        r = api.post("/api/agreements", body)
        assert r.status_code == 400, (field, r.content)
        assert r.json()["detail"].startswith(f"{field}:"), r.json()
    r = api.post("/api/contacts", {"organisation": org, "name": "Dup", "email": desk["b_coord"].email.upper()})
    assert r.status_code == 400 and r.json()["detail"].startswith("email:")
    r = api.post("/api/organisations", {"name": desk["org_b"].name})
    assert r.status_code == 400 and r.json()["detail"].startswith("name:")
    assert Agreement.objects.count() == 2


def test_staff_change_and_end(desk):
    api = Api(desk["staff"])
    agreement, plain = desk["agr_a"], desk["a_plain"]
    r = _patch(api, f"/api/agreements/{agreement.pk}", {"package": "large", "addons": [{"addon": "migration"}]})
    assert r.status_code == 200, r.content
    assert r.json()["package"]["id"] == "large" and [a["addon"] for a in r.json()["addons"]] == ["migration"]
    r = api.post(f"/api/agreements/{agreement.pk}/end", {"on": "2026-06-30"})
    assert r.status_code == 200 and r.json()["ends_on"] == "2026-06-30"
    r = _patch(api, f"/api/agreements/{agreement.pk}", {"ends_on": None})
    assert r.status_code == 200 and r.json()["ends_on"] is None
    r = _patch(api, f"/api/contacts/{plain.pk}", {"name": "Renamed", "email": "renamed@alpha.test"})
    assert r.status_code == 200 and r.json()["email"] == "renamed@alpha.test"
    plain.refresh_from_db()
    assert plain.user.username == plain.email == "renamed@alpha.test" or plain.user.email == "renamed@alpha.test"
    r = api.post(f"/api/contacts/{plain.pk}/end", {})
    assert r.status_code == 200 and r.json()["active"] is False
    r = api.post(f"/api/organisations/{desk['org_b'].pk}/end", {"on": "2026-03-31"})
    assert r.status_code == 200
    assert Agreement.objects.get(pk=desk["agr_b"].pk).ends_on == date(2026, 3, 31)
    assert not Contact.objects.get(pk=desk["b_coord"].pk).user.is_active


def test_customers_read_their_own_and_write_nothing(desk):
    api = Api(desk["a_coord"].user)
    assert [o["id"] for o in api.get("/api/organisations").json()] == [desk["org_a"].pk]
    assert api.get(f"/api/organisations/{desk['org_b'].pk}").status_code == 404
    assert api.get(f"/api/contacts/{desk['b_coord'].pk}").status_code == 404
    assert {c["organisation"]["id"] for c in api.get("/api/contacts").json()} == {desk["org_a"].pk}
    assert api.post("/api/organisations", {"name": "Mine"}).status_code == 403
    assert _patch(api, f"/api/organisations/{desk['org_a'].pk}", {"name": "Mine"}).status_code == 403
    assert api.post("/api/agreements", _agreement_body(desk["org_a"].pk)).status_code == 403
    assert api.post(f"/api/agreements/{desk['agr_a'].pk}/end", {}).status_code == 403
    assert api.post(f"/api/contacts/{desk['a_plain'].pk}/end", {}).status_code == 403
    assert Api(desk["a_plain"].user).get("/api/contacts").json() == []
    assert Organisation.objects.filter(name="Mine").count() == 0


def test_reading_the_agreements_still_works_beside_the_writes(desk):
    api = Api(desk["staff"])
    assert api.get("/api/agreements").status_code == 200
    assert api.get(f"/api/agreements/{desk['agr_a'].pk}").status_code == 200
    f.catalogs()
