"""Issue 19 items 2 and 3: correcting a request after intake, the provisional priority of a
request nobody assessed yet, and the planned date of a 'by planning' target."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meldpunt.contracts.models import Contact
from meldpunt.desk.corrections import Correction, CorrectionError, NewContact, correct
from meldpunt.intake.services import ingest
from meldpunt.knowledge.models import Product, Release
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import ConflictError, TicketError, plan_resolution, set_priority
from meldpunt.triage.followup import follow_up_pending
from meldpunt.triage.models import Assessment
from tests.support import factories as f
from tests.support.desk_fixtures import Api
from tests.support.samples import mail

pytestmark = pytest.mark.django_db

#: Monday 30 November 2026, 10:00 in Amsterdam: inside ERP.M's workdays 09:00–17:00.
RECEIVED = f.ams(2026, 11, 30, 10, 0)


def _mailed(sender: str, message_id: str, subject: str = "Orders komen niet binnen") -> Ticket:
    result = ingest(mail(sender=sender, subject=subject, message_id=message_id), received_at=RECEIVED)
    assert result.outcome == "created", result
    return Ticket.objects.get(pk=result.ticket)


def _clocks(ticket: Ticket) -> dict:
    return {c.metric: c for c in Ticket.objects.get(pk=ticket.pk).clocks.all()}


def _events(ticket: Ticket, kind: str) -> list[dict]:
    return [e.data for e in ticket.events.filter(kind=kind).order_by("id")]


# ------------------------------------------------------------------ item 3: provisional priority
def test_mailed_incident_on_a_matrix_catalog_gets_the_provisional_priority_and_a_clock_from_receipt(desk):
    ticket = _mailed(f"Alpha <{desk['a_coord'].email}>", "<p1@alpha.test>")
    assert ticket.agreement == desk["agr_a"]
    assert (ticket.impact, ticket.urgency) == ("", "")
    assert ticket.priority == "C" and ticket.priority_provisional
    assert "to be assessed" in ticket.priority_reason
    response = _clocks(ticket)["response"]
    # ERP.M Small, C: response within 2 workdays of 8 h, counted from receipt
    assert response.state == "running" and response.target == "2bd"
    assert response.due_at == f.ams(2026, 12, 2, 10, 0)
    assert Ticket.objects.get(pk=ticket.pk).next_due_at == response.due_at


def test_assessing_a_provisional_request_recomputes_its_clocks_from_receipt(desk):
    ticket = _mailed(f"Alpha <{desk['a_coord'].email}>", "<p2@alpha.test>")
    agent = f.staff_user()
    set_priority(ticket, actor=agent, impact="organisation", urgency="high", reason="whole company stopped")
    ticket.refresh_from_db()
    assert ticket.priority == "A" and not ticket.priority_provisional
    response = _clocks(ticket)["response"]
    assert response.target == "2h" and response.due_at == RECEIVED + timedelta(hours=2)
    assert _events(ticket, "priority")[-1] == {"old": "C", "new": "A", "reason": "whole company stopped",
                                               "assessed": True}


def test_a_categories_catalog_keeps_its_default_and_nothing_is_provisional():
    org = f.organisation()
    agreement = f.agreement(org, "invantive", "subscription")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, subject="Query fails",
                                         received_at=RECEIVED))
    assert ticket.priority == "III" and not ticket.priority_provisional


# ------------------------------------------------------------------ item 2: correct a request
def test_an_unknown_senders_mail_is_placed_with_a_new_contact_and_gets_clocks(desk):
    ticket = _mailed("Onbekend <iemand@elders.test>", "<s1@elders.test>", subject="Wie helpt mij?")
    assert ticket.organisation is None and ticket.priority == ""
    follow_up_pending()  # the worker's follow-up of the registration assesses it
    assert Assessment.objects.get(ticket=ticket).coverage == "unknown"
    agent = f.staff_user()
    ticket = correct(ticket, Correction(organisation=desk["org_a"], agreement=desk["agr_a"],
                                        new_contact=NewContact(name="Iemand Elders", language="nl"),
                                        reason="belongs to Alpha"), by=agent)
    contact = Contact.objects.get(email="iemand@elders.test")
    assert (ticket.organisation, ticket.agreement, ticket.contact) == (desk["org_a"], desk["agr_a"], contact)
    assert contact.organisation == desk["org_a"] and contact.name == "Iemand Elders"
    assert ticket.priority == "C" and ticket.priority_provisional
    assert _clocks(ticket)["response"].due_at == f.ams(2026, 12, 2, 10, 0)  # from receipt, not from now
    event = _events(ticket, "corrected")[-1]
    assert event["changes"]["organisation"] == [None, "Alpha BV"]
    assert event["changes"]["agreement"] == [None, desk["agr_a"].code]
    assert event["changes"]["contact"] == [None, "Iemand Elders"]
    assert event["reason"] == "belongs to Alpha"
    assert Assessment.objects.get(ticket=ticket).coverage != "unknown"
    assert ticket.events.filter(kind="corrected").get().actor == agent


def test_kind_product_version_error_code_and_steps_are_corrected_and_logged(desk):
    ticket = _mailed(f"Alpha <{desk['a_coord'].email}>", "<c1@alpha.test>")
    version = ticket.version
    ticket = correct(ticket, Correction(kind="question", product=" Financials ", product_version="2026.2",
                                        error_code="E-42", reproduction="1. open\n2. save"),
                     by=f.staff_user(), expected_version=version)
    assert (ticket.kind, ticket.product, ticket.product_version, ticket.error_code) == (
        "question", "Financials", "2026.2", "E-42")
    assert ticket.reproduction == "1. open\n2. save" and ticket.version == version + 1
    # a question is always D on ERP.M: no longer provisional, and the clock follows
    assert ticket.priority == "D" and not ticket.priority_provisional
    assert _clocks(ticket)["response"].target == "5bd"
    changes = _events(ticket, "corrected")[-1]["changes"]
    assert changes["kind"] == ["incident", "question"] and changes["error_code"] == ["", "E-42"]
    assert _events(ticket, "priority")[-1]["new"] == "D"


def test_an_assessed_priority_stays_when_only_the_report_is_corrected(desk):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], subject="Stuck",
                                         impact="one", urgency="high", received_at=RECEIVED))
    ticket = correct(ticket, Correction(error_code="E-1"), by=f.staff_user())
    assert ticket.priority == "B" and not ticket.events.filter(kind="priority").exists()


@pytest.mark.parametrize("change, message", [
    (lambda d: Correction(agreement=d["agr_b"]), "belongs to another organisation"),
    (lambda d: Correction(contact=d["b_coord"]), "belongs to another organisation"),
    (lambda d: Correction(organisation=d["org_b"]), "belongs to another organisation"),
    (lambda d: Correction(kind="licence_key"), "does not take licence_key"),
    (lambda d: Correction(kind="nonsense"), "kind must be one of"),
    (lambda d: Correction(error_code="x" * 121), "error_code: at most 120"),
    (lambda d: Correction(contact=d["a_plain"], new_contact=NewContact(name="X")), "not both"),
    (lambda d: Correction(new_contact=NewContact(name="Twin", email=d["b_coord"].email)), "already in use"),
])
def test_corrections_that_do_not_fit_are_refused_with_the_reason_and_change_nothing(desk, change, message):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"],
                                         contact=desk["a_coord"], subject="Stuck", received_at=RECEIVED))
    with pytest.raises(CorrectionError, match=message):
        correct(ticket, change(desk), by=f.staff_user())
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.version, fresh.agreement, fresh.kind) == (ticket.version, desk["agr_a"], "incident")
    assert not fresh.events.filter(kind="corrected").exists()


def test_the_product_and_version_must_be_on_the_vendors_product_list_when_it_has_one(desk):
    product = Product.objects.create(vendor="erpm", slug="erpm-fin", name="ERP.M Financials")
    Release.objects.create(product=product, version="2026.1", released_on=RECEIVED.date())
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], subject="Stuck",
                                         received_at=RECEIVED))
    with pytest.raises(CorrectionError, match="not one of erpm's products: ERP.M Financials"):
        correct(ticket, Correction(product="Payroll"), by=None)
    with pytest.raises(CorrectionError, match="'2025.9' is not a release of ERP.M Financials: 2026.1"):
        correct(ticket, Correction(product="erpm-fin", product_version="2025.9"), by=None)
    ticket = correct(ticket, Correction(product="erpm-fin", product_version="2026.1"), by=None)
    assert (ticket.product, ticket.product_version) == ("ERP.M Financials", "2026.1")


def test_a_stale_version_is_refused(desk):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], subject="Stuck",
                                         received_at=RECEIVED))
    with pytest.raises(ConflictError):
        correct(ticket, Correction(error_code="E-1"), by=None, expected_version=ticket.version + 5)


# ------------------------------------------------------------------ item 3: by planning
def _question(desk) -> Ticket:
    return create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"],
                                    kind="question", subject="How do I export?", received_at=RECEIVED))[0]


def test_a_planned_date_becomes_the_running_resolution_clocks_due_moment(desk):
    ticket = _question(desk)
    assert _clocks(ticket)["resolution"].state == "planning"
    planned = f.ams(2026, 12, 18, 12, 0)
    plan_resolution(ticket, planned, actor=f.staff_user(), expected_version=ticket.version)
    resolution = _clocks(ticket)["resolution"]
    assert (resolution.state, resolution.due_at) == ("running", planned)
    assert any("planned" in line for line in resolution.explanation)
    assert _events(ticket, "planned")[-1] == {"planned": planned.isoformat(), "old": None}
    # the queue sorts on the earliest running deadline: the response clock's 5bd here
    assert Ticket.objects.get(pk=ticket.pk).next_due_at == min(_clocks(ticket)["response"].due_at, planned)


def test_planning_is_refused_without_a_by_planning_target_or_before_receipt(desk):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], subject="Down",
                                         impact="organisation", urgency="high", received_at=RECEIVED))
    with pytest.raises(TicketError, match="not 'by planning'"):
        plan_resolution(ticket, RECEIVED + timedelta(days=3))
    with pytest.raises(TicketError, match="after the request was received"):
        plan_resolution(_question(desk), RECEIVED - timedelta(days=1))


# ------------------------------------------------------------------ API
def test_api_staff_place_an_unknown_senders_request_and_correct_its_report(desk):
    ticket = _mailed("Onbekend <iemand@elders.test>", "<api1@elders.test>", subject="Wie helpt mij?")
    staff = Api(desk["staff"])
    response = staff.post(f"/api/tickets/{ticket.pk}/correction", {
        "organisation": desk["org_a"].pk, "agreement": desk["agr_a"].code,
        "new_contact": {"name": "Iemand Elders", "language": "nl"},
        "product": "Financials", "error_code": "E-9", "reason": "known customer", "expected_version": ticket.version,
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organisation"]["id"] == desk["org_a"].pk and body["agreement"] == desk["agr_a"].code
    assert body["contact"]["name"] == "Iemand Elders"
    assert (body["product"], body["error_code"]) == ("Financials", "E-9")
    assert body["priority"] == "C" and body["priority_provisional"] is True
    response_clock = next(c for c in body["clocks"] if c["metric"] == "response")
    assert response_clock["state"] == "running" and response_clock["target"] == "2bd"
    # the coordinator of Alpha now sees it, and reads that the priority is still to be assessed
    seen = Api(desk["a_coord"].user).get(f"/api/tickets/{ticket.pk}")
    assert seen.status_code == 200 and seen.json()["priority_provisional"] is True


@pytest.mark.parametrize("body, words", [
    ({"agreement": "NO-SUCH"}, "unknown agreement 'NO-SUCH'"),
    ({"organisation": 999999}, "unknown organisation 999999"),
    ({"contact": 999999}, "unknown contact 999999"),
    ({"new_contact": {"name": "X", "email": "not an address"}}, "not a valid e-mail address"),
])
def test_api_bad_corrections_answer_400_with_the_reason(desk, body, words):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], subject="Stuck",
                                         received_at=RECEIVED))
    response = Api(desk["staff"]).post(f"/api/tickets/{ticket.pk}/correction", body)
    assert response.status_code == 400 and words in response.json()["detail"]


def test_api_agreement_of_another_organisation_and_stale_versions_are_refused(desk):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], subject="Stuck",
                                         received_at=RECEIVED))
    staff = Api(desk["staff"])
    other = staff.post(f"/api/tickets/{ticket.pk}/correction", {"agreement": desk["agr_b"].code})
    assert other.status_code == 400 and "belongs to another organisation" in other.json()["detail"]
    stale = staff.post(f"/api/tickets/{ticket.pk}/correction", {"error_code": "E", "expected_version": 99})
    assert stale.status_code == 409


def test_api_customers_may_not_correct_or_plan(desk):
    own, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"],
                                      subject="Stuck", received_at=RECEIVED))
    theirs, _ = create_ticket(NewRequest(organisation=desk["org_b"], agreement=desk["agr_b"], subject="Theirs",
                                         received_at=RECEIVED))
    customer = Api(desk["a_coord"].user)
    for path, body in (("correction", {"error_code": "E"}), ("plan", {"planned_at": "2026-12-18T12:00:00+01:00"})):
        assert customer.post(f"/api/tickets/{own.pk}/{path}", body).status_code == 403
        assert customer.post(f"/api/tickets/{theirs.pk}/{path}", body).status_code == 404
    assert Ticket.objects.get(pk=own.pk).version == own.version


def test_api_staff_plan_a_by_planning_resolution_and_the_customer_sees_the_due_moment(desk):
    ticket = _question(desk)
    staff = Api(desk["staff"])
    response = staff.post(f"/api/tickets/{ticket.pk}/plan", {"planned_at": "2026-12-18T12:00:00+01:00"})
    assert response.status_code == 200, response.content
    resolution = next(c for c in response.json()["clocks"] if c["metric"] == "resolution")
    assert (resolution["state"], resolution["due_at"]) == ("running", "2026-12-18T12:00:00+01:00")
    seen = Api(desk["a_coord"].user).get(f"/api/tickets/{ticket.pk}").json()
    assert seen["planned_at"].startswith("2026-12-18T12:00:00")
    naive = staff.post(f"/api/tickets/{ticket.pk}/plan", {"planned_at": "2026-12-18T12:00:00"})
    assert naive.status_code == 422
    early = staff.post(f"/api/tickets/{ticket.pk}/plan", {"planned_at": "2026-11-01T12:00:00+01:00"})
    assert early.status_code == 400 and "after the request was received" in early.json()["detail"]


# ------------------------------------------------------------------ console
def _form(ticket: Ticket, **changes) -> dict:
    """The correction form as the console renders it for ``ticket``, with ``changes``."""
    data = {"version": ticket.version, "kind": ticket.kind, "product": ticket.product,
            "product_version": ticket.product_version, "error_code": ticket.error_code,
            "reproduction": ticket.reproduction, "organisation": ticket.organisation_id or "",
            "agreement": ticket.agreement_id or "", "contact": ticket.contact_id or "",
            "new_contact_name": "", "new_contact_email": "", "new_contact_language": "nl", "reason": ""}
    data.update(changes)
    return data


def test_console_places_an_unknown_senders_request_and_the_history_says_so(client, desk):
    ticket = _mailed("Onbekend <iemand@elders.test>", "<con1@elders.test>", subject="Wie helpt mij?")
    client.force_login(desk["staff"])
    page = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert 'id="correct"' in page and "(unknown sender)" in page
    response = client.post(f"/console/tickets/{ticket.pk}/correct/", _form(
        ticket, organisation=desk["org_a"].pk, agreement=desk["agr_a"].pk, new_contact_name="Iemand Elders",
        error_code="E-7", reason="known customer"))
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    assert ticket.organisation == desk["org_a"] and ticket.contact.email == "iemand@elders.test"
    assert ticket.priority == "C" and ticket.priority_provisional and ticket.error_code == "E-7"
    page = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "Corrected: error code: – → E-7; organisation: – → Alpha BV; agreement: – → AGR-" in page
    assert "reporter: – → Iemand Elders (known customer)" in page
    assert "to be assessed" in page


def test_console_refuses_a_correction_that_does_not_fit_with_400_and_keeps_the_input(client, desk):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], subject="Stuck",
                                         received_at=RECEIVED))
    client.force_login(desk["staff"])
    response = client.post(f"/console/tickets/{ticket.pk}/correct/",
                           _form(ticket, agreement=desk["agr_b"].pk, error_code="E-typed"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "belongs to another organisation" in html and 'value="E-typed"' in html
    stale = client.post(f"/console/tickets/{ticket.pk}/correct/", _form(ticket, version=ticket.version + 3,
                                                                          error_code="E-1"))
    assert stale.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).error_code == ""


def test_console_in_dutch(client, desk):
    ticket = _question(desk)
    client.force_login(desk["staff"])
    client.cookies["django_language"] = "nl"
    html = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "Verzoek corrigeren" in html and "Geplande oplossing" in html


def test_console_plans_a_by_planning_resolution_and_the_portal_shows_it(client, desk):
    ticket = _question(desk)
    client.force_login(desk["staff"])
    assert 'id="plan"' in client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    response = client.post(f"/console/tickets/{ticket.pk}/plan/",
                           {"version": ticket.version, "planned_at": "2026-12-18T12:00"})
    assert response.status_code == 302
    planned = f.ams(2026, 12, 18, 12, 0)
    assert _clocks(ticket)["resolution"].due_at == planned
    assert "Planned resolution: 18 Dec 2026 12:00" in client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    bad = client.post(f"/console/tickets/{ticket.pk}/plan/", {"version": ticket.version + 1, "planned_at": "9999-99"})
    assert bad.status_code == 400
    client.force_login(desk["a_coord"].user)
    portal = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert f'datetime="{planned.isoformat()}"' in portal


def test_customers_get_404_on_the_console_correction_and_plan(client, desk):
    ticket = _question(desk)
    client.force_login(desk["a_coord"].user)
    assert client.post(f"/console/tickets/{ticket.pk}/correct/", _form(ticket, error_code="x")).status_code == 404
    assert client.post(f"/console/tickets/{ticket.pk}/plan/", {"version": ticket.version,
                                                               "planned_at": "2026-12-18T12:00"}).status_code == 404
