"""The REST API end to end: real database, real tokens, django.test.Client over HTTP."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meldpunt.api.models import ApiToken
from meldpunt.tickets.models import Message, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message
from tests.support import factories as f
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db


def _ticket(org, agreement, contact=None, subject="Orders stuck", **kw):
    defaults = dict(kind="incident", impact="organisation", urgency="high", received_at=f.ams(2026, 12, 1, 9, 0))
    defaults.update(kw)
    return create_ticket(NewRequest(organisation=org, agreement=agreement, contact=contact, subject=subject, **defaults))[0]


def _incident(agreement_code, **extra):
    return {"subject": "Invoices do not post", "description": "Error itgen-1234 on posting", "kind": "incident",
            "agreement": agreement_code, "impact": "organisation", "urgency": "high", **extra}


# ---------------------------------------------------------------- authentication
def test_token_authenticates_and_bad_missing_or_revoked_token_is_401(desk):
    user = desk["a_coord"].user
    token, raw = ApiToken.issue(user, "erp link")
    assert Api(raw_token=raw).get("/api/tickets").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    for client in (Api(), Api(raw_token="mp_not-a-token"), Api(raw_token=raw + "x")):
        response = client.get("/api/tickets")
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json") and response.json()["detail"]
    assert Api(**{"HTTP_AUTHORIZATION": "Basic dXNlcjpwdw=="}).get("/api/tickets").status_code == 401

    token.revoked_at = timezone.now()
    token.save()
    response = Api(raw_token=raw).post("/api/tickets", _incident(desk["agr_a"].code))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert not Ticket.objects.exists()


def test_token_use_is_recorded_at_most_once_a_minute(desk):
    token, raw = ApiToken.issue(desk["staff"], "ci")
    client = Api(raw_token=raw)
    client.get("/api/tickets")
    token.refresh_from_db()
    first = token.last_used_at
    client.get("/api/tickets")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/tickets")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)


def test_session_login_works_and_unsafe_methods_need_the_csrf_token(desk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk["a_coord"].user)
    assert client.get("/api/agreements").status_code == 200
    response = client.post("/api/tickets", json.dumps(_incident(desk["agr_a"].code)), content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Ticket.objects.exists()


# ------------------------------------------------------------------ registering
def test_incident_for_erpm_agreement_gets_matrix_priority_and_clocks(desk):
    response = Api(desk["a_coord"].user).post("/api/tickets", _incident(desk["agr_a"].code))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["priority"] == "A" and "matrix" in body["priority_reason"]
    assert body["organisation"]["id"] == desk["org_a"].pk
    assert body["contact"]["id"] == desk["a_coord"].pk and body["channel"] == "api"
    clocks = {c["metric"]: c for c in body["clocks"]}
    assert set(clocks) == {"response", "resolution"}
    for clock in clocks.values():
        assert clock["target"] and clock["calendar"] == "workdays" and clock["explanation"]
        due = datetime.fromisoformat(clock["due_at"])
        assert due.utcoffset() is not None and clock["due_at"][-6:] in ("+01:00", "+02:00")
    assert clocks["response"]["target"] == "2h"
    assert datetime.fromisoformat(body["received_at"]).utcoffset() is not None


def test_staff_registers_under_an_agreement_code_with_a_past_receipt(desk):
    staff = Api(desk["staff"])
    received = "2025-12-24T16:00:00+01:00"
    response = staff.post("/api/tickets", _incident(desk["agr_b"].code, received_at=received, channel="phone"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organisation"]["id"] == desk["org_b"].pk and body["contact"] is None
    due = {c["metric"]: c["due_at"] for c in body["clocks"]}
    assert due["response"] == "2025-12-29T10:00:00+01:00"  # Christmas, Boxing Day and the weekend skipped
    missing = staff.post("/api/tickets", _incident(None))
    assert missing.status_code == 400 and "agreement" in missing.json()["detail"]


def test_customer_cannot_backdate_a_request(desk):
    response = Api(desk["a_coord"].user).post("/api/tickets", _incident(desk["agr_a"].code, received_at="2020-01-01T09:00:00+01:00"))
    assert response.status_code == 201
    assert datetime.fromisoformat(response.json()["received_at"]) > timezone.now() - timedelta(minutes=5)


def test_idempotency_key_repeat_returns_the_same_ticket_with_200(desk):
    client = Api(desk["a_coord"].user)
    first = client.post("/api/tickets", _incident(desk["agr_a"].code), HTTP_IDEMPOTENCY_KEY="mon-alert-77")
    again = client.post("/api/tickets", _incident(desk["agr_a"].code), HTTP_IDEMPOTENCY_KEY="mon-alert-77")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Ticket.objects.count() == 1


def test_idempotency_key_of_a_colleagues_request_does_not_reveal_it(desk):
    Api(desk["a_plain"].user).post("/api/tickets", _incident(desk["agr_a"].code), HTTP_IDEMPOTENCY_KEY="k1")
    response = Api(desk["a_plain2"].user).post("/api/tickets", _incident(desk["agr_a"].code), HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 409 and "subject" not in response.json()


def test_customer_cannot_register_under_another_organisations_agreement(desk):
    for code in (desk["agr_b"].code, "AGR-NOPE"):
        response = Api(desk["a_coord"].user).post("/api/tickets", _incident(code))
        assert response.status_code in (400, 404)
        assert response.json()["detail"] == f"unknown agreement code {code!r}"
    assert not Ticket.objects.exists()


# ----------------------------------------------------------------------- reading
def test_list_pages_by_keyset_newest_first(desk):
    ids = [_ticket(desk["org_a"], desk["agr_a"], subject=f"T{i}").pk for i in range(5)]
    client = Api(desk["staff"])
    page = client.get("/api/tickets", limit=2).json()
    assert [t["id"] for t in page["items"]] == ids[:-3:-1] and page["next_before"] == ids[3]
    page = client.get("/api/tickets", limit=2, before=page["next_before"]).json()
    assert [t["id"] for t in page["items"]] == [ids[2], ids[1]]
    page = client.get("/api/tickets", limit=2, before=page["next_before"]).json()
    assert [t["id"] for t in page["items"]] == [ids[0]] and page["next_before"] is None


def test_list_costs_a_fixed_number_of_queries_and_never_counts(desk):
    for i in range(6):
        _ticket(desk["org_a"], desk["agr_a"], desk["a_coord"], subject=f"T{i}")
    client = Api(desk["a_coord"].user)
    client.get("/api/tickets")  # token's last_used_at is written once
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/api/tickets", limit=5).json()
    assert len(page["items"]) == 5
    # The throttle's counter (meldpunt.accounts.ratewindow: one row per caller) is apart: one statement.
    throttle = [q["sql"] for q in queries if "accounts_ratewindow" in q["sql"]]
    own = [q["sql"] for q in queries if q["sql"] not in throttle]
    assert len(own) <= 3, own
    assert not any("COUNT(" in sql.upper() for sql in own)
    assert len(throttle) == 1, throttle


def test_list_filters_by_status_kind_priority_and_organisation(desk):
    a = _ticket(desk["org_a"], desk["agr_a"])
    q = _ticket(desk["org_a"], desk["agr_a"], kind="question", impact="", urgency="")
    b = _ticket(desk["org_b"], desk["agr_b"])
    client = Api(desk["staff"])

    def ids(**params):
        return {t["id"] for t in client.get("/api/tickets", **params).json()["items"]}

    assert ids(kind="question") == {q.pk}
    assert ids(priority="A") == {a.pk, b.pk}
    assert ids(organisation=desk["org_b"].pk) == {b.pk}
    assert ids(status="new") == {a.pk, q.pk, b.pk} and ids(status="closed") == set()


def test_customer_of_one_organisation_gets_404_on_anothers_data(desk):
    theirs = _ticket(desk["org_b"], desk["agr_b"], desk["b_coord"])
    ours = _ticket(desk["org_a"], desk["agr_a"], desk["a_coord"])
    client = Api(desk["a_coord"].user)
    for response in (
        client.get(f"/api/tickets/{theirs.pk}"),
        client.post(f"/api/tickets/{theirs.pk}/messages", {"body": "hello?"}),
        client.post(f"/api/tickets/{theirs.pk}/status", {"status": "closed"}),
        client.get(f"/api/agreements/{desk['agr_b'].pk}"),
        client.get("/api/tickets/999999999"),
    ):
        assert response.status_code == 404 and response.json()["detail"].endswith("not found")
    dutch = Api(desk["a_coord"].user, HTTP_ACCEPT_LANGUAGE="nl").get(f"/api/agreements/{desk['agr_b'].pk}")
    assert dutch.status_code == 404 and dutch.json()["detail"] == f"overeenkomst {desk['agr_b'].pk} niet gevonden"
    assert [t["id"] for t in client.get("/api/tickets").json()["items"]] == [ours.pk]
    assert [a["code"] for a in client.get("/api/agreements").json()] == [desk["agr_a"].code]
    assert not Message.objects.filter(ticket=theirs).exists()


def test_plain_contact_sees_only_own_tickets_and_the_coordinator_sees_all(desk):
    own = _ticket(desk["org_a"], desk["agr_a"], desk["a_plain"])
    colleague = _ticket(desk["org_a"], desk["agr_a"], desk["a_plain2"])
    plain, coordinator = Api(desk["a_plain"].user), Api(desk["a_coord"].user)
    assert [t["id"] for t in plain.get("/api/tickets").json()["items"]] == [own.pk]
    assert plain.get(f"/api/tickets/{colleague.pk}").status_code == 404
    assert {t["id"] for t in coordinator.get("/api/tickets").json()["items"]} == {own.pk, colleague.pk}
    assert coordinator.get(f"/api/tickets/{colleague.pk}").status_code == 200


def test_user_that_is_neither_staff_nor_contact_sees_nothing(desk):
    ticket = _ticket(desk["org_a"], desk["agr_a"])
    stranger = Api(get_user_model().objects.create_user("stranger", "s@x.test", "pw-stranger-1"))
    assert stranger.get("/api/tickets").json() == {"items": [], "next_before": None, "next_offset": None}
    assert stranger.get("/api/agreements").json() == []
    assert stranger.get(f"/api/tickets/{ticket.pk}").status_code == 404
    assert stranger.post("/api/tickets", _incident(desk["agr_a"].code)).status_code in (400, 403)


def test_customers_never_see_internal_notes_and_their_messages_are_public(desk):
    ticket = _ticket(desk["org_a"], desk["agr_a"], desk["a_coord"])
    staff, customer = Api(desk["staff"]), Api(desk["a_coord"].user)
    note = staff.post(f"/api/tickets/{ticket.pk}/messages", {"body": "customer is grumpy", "public": False})
    assert note.status_code == 201 and note.json()["public"] is False
    reply = customer.post(f"/api/tickets/{ticket.pk}/messages", {"body": "any news?", "public": False})
    assert reply.status_code == 201 and reply.json()["public"] is True and reply.json()["from_customer"] is True
    seen = [m["body"] for m in customer.get(f"/api/tickets/{ticket.pk}").json()["messages"]]
    assert seen == ["any news?"]
    assert len(staff.get(f"/api/tickets/{ticket.pk}").json()["messages"]) == 2


def test_public_staff_reply_stops_the_response_clock(desk):
    ticket = _ticket(desk["org_a"], desk["agr_a"], desk["a_coord"])
    Api(desk["staff"]).post(f"/api/tickets/{ticket.pk}/messages", {"body": "We are on it"})
    clocks = {c["metric"]: c for c in Api(desk["a_coord"].user).get(f"/api/tickets/{ticket.pk}").json()["clocks"]}
    assert clocks["response"]["state"] == "stopped" and clocks["response"]["stopped_at"]


def test_clock_explanation_in_dutch_on_request(desk):
    ticket = _ticket(desk["org_a"], desk["agr_a"], desk["a_coord"], received_at=f.ams(2026, 12, 24, 16, 0))
    client = Api(desk["a_coord"].user)
    english = client.get(f"/api/tickets/{ticket.pk}").json()["clocks"][1]["explanation"]
    dutch = client.get(f"/api/tickets/{ticket.pk}", lang="nl").json()["clocks"][1]["explanation"]
    assert english != dutch and any("Christmas" in line for line in english)
    assert "Skipped holiday: Friday 25 December 2026, Christmas Day" in english
    assert "Overgeslagen feestdag: vrijdag 25 december 2026, Eerste kerstdag" in dutch


def test_the_priority_reason_in_dutch_on_request(desk):
    ticket = _ticket(desk["org_a"], desk["agr_a"], desk["a_coord"])
    client = Api(desk["a_coord"].user)
    english = client.get(f"/api/tickets/{ticket.pk}").json()["priority_reason"]
    dutch = client.get(f"/api/tickets/{ticket.pk}", lang="nl").json()["priority_reason"]
    assert english == "impact organisation × urgency high → A (matrix)"  # as stored: the API's English
    assert dutch == "impact de hele organisatie × urgentie hoog → A (matrix)"


# ---------------------------------------------------------------------- changes
def test_status_change_with_stale_version_is_409_and_customers_cannot_change_status(desk):
    ticket = _ticket(desk["org_a"], desk["agr_a"], desk["a_coord"])
    staff = Api(desk["staff"])
    moved = staff.post(f"/api/tickets/{ticket.pk}/status", {"status": "in_progress", "expected_version": 1})
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress" and moved.json()["version"] == 2
    stale = staff.post(f"/api/tickets/{ticket.pk}/status", {"status": "resolved", "expected_version": 1})
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]
    waiting = staff.post(f"/api/tickets/{ticket.pk}/status", {"status": "waiting_customer"}).json()
    resolution = next(c for c in waiting["clocks"] if c["metric"] == "resolution")
    assert resolution["state"] == "paused" and resolution["pauses"][0]["end"] is None
    assert Api(desk["a_coord"].user).post(f"/api/tickets/{ticket.pk}/status", {"status": "closed"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"


def test_staff_sets_priority_from_impact_and_urgency(desk):
    ticket = _ticket(desk["org_a"], desk["agr_a"])
    staff = Api(desk["staff"])
    response = staff.post(f"/api/tickets/{ticket.pk}/priority", {"impact": "one", "urgency": "high", "reason": "one user"})
    assert response.status_code == 200 and response.json()["priority"] == "B"
    assert response.json()["priority_reason"] == "one user"
    bad = staff.post(f"/api/tickets/{ticket.pk}/priority", {"priority": "Z"})
    assert bad.status_code == 400 and "'Z'" in bad.json()["detail"]
    assert staff.post(f"/api/tickets/{ticket.pk}/priority", {}).status_code == 400


# ------------------------------------------------------------------ contracts
def test_catalogs_list_packages_addons_calendars_and_priority_scheme(desk):
    catalogs = {c["vendor"]: c for c in Api(desk["a_coord"].user).get("/api/catalogs").json()}
    assert {"erpm", "invantive", "infor"} <= set(catalogs)
    erpm = catalogs["erpm"]
    small = next(p for p in erpm["packages"] if p["id"] == "small")
    assert small["monthly_price"] == "195.00" and small["limits"]["users"] == 25
    assert "nl" in small["name"] and "incident" in small["covers"]
    assert next(a for a in erpm["addons"] if a["id"] == "premium")["monthly_price"] == "795.00"
    assert all(c["timezone"] == "Europe/Amsterdam" and c["description"]["en"] for c in erpm["calendars"])
    workdays = next(c for c in erpm["calendars"] if c["id"] == "workdays")
    assert workdays["description"] == {"en": "Mon–Fri 09:00–17:00; closed on NL holidays",
                                       "nl": "ma–vr 09:00–17:00; NL feestdagen gesloten"}
    assert erpm["priority"]["levels"] == ["A", "B", "C", "D"] and erpm["priority"]["fixed"]["question"] == "D"
    detail = Api(desk["staff"]).get(f"/api/catalogs/{erpm['id']}")
    assert detail.status_code == 200 and detail.json()["id"] == erpm["id"]
    assert Api(desk["staff"]).get("/api/catalogs/99999999").status_code == 404


def test_agreement_shows_addons_limit_excesses_and_entitlements(desk):
    agr = f.agreement(desk["org_a"], "erpm", "small", addons=["premium", ("koppeling", 2)], declared_users=26)
    agr.addons.filter(addon="koppeling").update(names=["Webshop", "Bank"])
    body = Api(desk["a_plain"].user).get(f"/api/agreements/{agr.pk}").json()
    assert body["code"] == agr.code and body["organisation"]["name"] == "Alpha BV"
    assert body["catalog"]["vendor"] == "erpm" and body["package"]["id"] == "small"
    koppeling = next(a for a in body["addons"] if a["addon"] == "koppeling")
    assert koppeling["quantity"] == 2 and koppeling["names"] == ["Webshop", "Bank"] and koppeling["name"]["en"]
    assert body["limit_excesses"] == [
        {"limit": "users", "allowed": 25, "declared": 26, "message": "users: 26 declared, package allows 25"}
    ]
    assert "emergency_number" in body["entitlements"] and "no_emergency_number" not in body["entitlements"]


# ------------------------------------------------------------------ bad input
BAD_REQUESTS = [
    ("get", "/api/tickets/abc", None),
    ("get", "/api/tickets/-5", None),
    ("get", "/api/tickets/99999999999999999999999", None),
    ("get", "/api/agreements/1e3", None),
    ("get", "/api/catalogs/0", None),
    ("get", "/api/tickets?before=-1", None),
    ("get", "/api/tickets?before=abc", None),
    ("get", "/api/tickets?limit=100000", None),
    ("get", "/api/tickets?limit=0", None),
    ("get", "/api/tickets?status=bogus", None),
    ("get", "/api/tickets?organisation=99999999999999999999999", None),
    ("get", "/api/tickets?priority=%00", None),
    ("post", "/api/tickets", {"subject": "x", "kind": "bogus"}),
    ("post", "/api/tickets", {"subject": "x", "agreement": "{code}", "impact": "galaxy", "urgency": "high"}),
    ("post", "/api/tickets", {"subject": "x", "agreement": "{code}", "priority": "Z"}),
    ("post", "/api/tickets", {"subject": "x", "agreement": "{code}", "received_at": "yesterday"}),
    ("post", "/api/tickets", {"subject": "x", "agreement": "{code}", "received_at": "2026-12-01T09:00:00"}),
    ("post", "/api/tickets", {"subject": "x", "agreement": "{code}", "received_at": "0001-01-01T00:00:00+01:00"}),
    ("post", "/api/tickets", {"subject": "x", "agreement": "{code}", "received_at": "9999-12-31T23:59:59-05:00"}),
    ("post", "/api/tickets", {"subject": "", "agreement": "{code}"}),
    ("post", "/api/tickets", {"subject": "nul \u0000 byte", "agreement": "{code}"}),
    ("post", "/api/tickets", {"subject": "x" * 301, "agreement": "{code}"}),
    ("post", "/api/tickets", {"subject": "x", "agreement": "{code}", "channel": "pigeon"}),
    ("post", "/api/tickets", "{not json"),
    ("post", "/api/tickets", "[1, 2]"),
    ("post", "/api/tickets/{ticket}/messages", {"body": ""}),
    ("post", "/api/tickets/{ticket}/status", {"status": "teleported"}),
    ("post", "/api/tickets/{ticket}/status", {"status": "closed", "expected_version": "x"}),
    ("post", "/api/tickets/{ticket}/priority", {"impact": "one", "urgency": "eventually"}),
]


@pytest.mark.parametrize(("method", "path", "body"), BAD_REQUESTS)
def test_bad_input_answers_4xx_json_never_500(desk, method, path, body):
    ticket = _ticket(desk["org_a"], desk["agr_a"])
    client = Api(desk["staff"])
    path = path.replace("{ticket}", str(ticket.pk))
    if method == "get":
        response = client.client.get(path, **client.headers)
    elif isinstance(body, str):
        response = client.post(path, raw=body)
    else:
        response = client.post(path, json.loads(json.dumps(body).replace("{code}", desk["agr_a"].code)))
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()
    assert Ticket.objects.count() == 1


def test_surrogate_in_json_is_refused(desk):
    raw = json.dumps({"subject": "broken SURROGATE", "agreement": desk["agr_a"].code}).replace("SURROGATE", "\\ud800")
    response = Api(desk["staff"]).post("/api/tickets", raw=raw)
    assert response.status_code == 422 and Ticket.objects.count() == 0


def test_openapi_document_is_served_and_lists_the_paths():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/catalogs", "/api/agreements/{agreement_id}", "/api/tickets", "/api/tickets/{ticket_id}",
            "/api/tickets/{ticket_id}/messages", "/api/tickets/{ticket_id}/status",
            "/api/tickets/{ticket_id}/priority"} <= set(document["paths"])
    assert Client().get("/api/docs").status_code == 200


def test_staff_reply_without_agreement_ticket_still_serialises(desk):
    ticket = create_ticket(NewRequest(organisation=desk["org_a"], subject="Loose mail", kind="question"))[0]
    add_message(ticket, "internal", public=False)
    body = Api(desk["staff"]).get(f"/api/tickets/{ticket.pk}").json()
    assert body["agreement"] is None and all(c["state"] == "none" for c in body["clocks"])
