"""Triage through the API and the pages, and one request walked through every state of
seed 002 checking what the customer sees at each step (portal, API and mail)."""

import pytest

from meldpunt.intake.models import OutboundMail
from meldpunt.tickets.models import Ticket
from meldpunt.triage.followup import follow_up_pending
from meldpunt.triage.models import LicenceKey
from tests.support import factories as f
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def inv():
    org = f.organisation("Northwind", language="en")
    coord = f.contact(org, language="en")
    agreement = f.agreement(org, "invantive", "subscription", coordinator=coord)
    staff = f.staff_user()
    return {"org": org, "coord": coord, "agreement": agreement, "staff": staff,
            "customer_api": Api(coord.user), "staff_api": Api(staff)}


def _sees(client, api, ticket_id):
    """What the customer sees: the portal badges and the API's seed 002 fields."""
    html = client.get(f"/portal/requests/{ticket_id}/").content.decode()
    data = api.get(f"/api/tickets/{ticket_id}").json()
    return html, (data["category"], data["customer_status"])


def test_one_request_through_every_state_of_seed_002(client, inv):
    client.force_login(inv["coord"].user)
    customer, staff = inv["customer_api"], inv["staff_api"]
    created = customer.post("/api/tickets", {"agreement": inv["agreement"].code, "subject": "How do I build a cash-flow report?", "kind": "question",
                                             "description": "We want a monthly cash-flow overview per project."})
    assert created.status_code == 201
    number = created.json()["id"]

    html, api = _sees(client, customer, number)  # 1. registered: Call / New, not accepted
    assert api == ("Call", "new") and "Category: Call" in html and "Status: New" in html and "Not yet accepted" in html

    assert staff.post(f"/api/triage/tickets/{number}/send-back", {"reason": "Which administration is it about?"}).status_code == 200
    html, api = _sees(client, customer, number)  # 2. sent back: still Call / New, waiting for the answer
    assert api == ("Call", "new") and "Status: New" in html and "waiting for your answer" in html
    assert "Which administration" in OutboundMail.objects.get(ticket_id=number, kind="info_request").body

    assert customer.post(f"/api/tickets/{number}/messages", {"body": "Administration 100"}).status_code == 201
    assert Ticket.objects.get(pk=number).status == "new"
    html, api = _sees(client, customer, number)  # 3. answered: back in triage, Call / New
    assert api == ("Call", "new")

    out = staff.post(f"/api/triage/tickets/{number}/convert", {}).json()
    assert out["customer_state"]["category"] == "Advisory" and "community" in out["reasons"][0]["en"]
    html, api = _sees(client, customer, number)  # 4. converted: another category = advisory with proposal
    assert api == ("Advisory", "new") and "Category: Advisory" in html and "you receive a proposal" in html
    assert "Category: Advisory" not in OutboundMail.objects.get(ticket_id=number, kind="advisory").subject

    proposal = staff.post(f"/api/triage/tickets/{number}/proposals",
                          {"hours": "2", "rate": "110.00", "description": "Build the report with you"}).json()
    assert customer.get(f"/api/triage/tickets/{number}/proposals").json() == []  # drafts stay internal
    assert staff.post(f"/api/triage/proposals/{proposal['id']}/send").json()["state"] == "sent"
    page = client.get(f"/portal/requests/{number}/proposal/").content.decode()
    assert "220.00" in page and "Approve the proposal" in page  # 5. proposal sent
    assert "Amount: €220.00 excl. VAT" in OutboundMail.objects.get(ticket_id=number, kind="proposal").body

    assert staff.post(f"/api/triage/proposals/{proposal['id']}/decision", {"approve": True}).status_code == 403
    decided = customer.post(f"/api/triage/proposals/{proposal['id']}/decision", {"approve": True})
    assert decided.json()["state"] == "approved"
    html, api = _sees(client, customer, number)  # 6. approved: advisory work may start
    assert api == ("Advisory", "approved") and "Status: Approved" in html


def test_a_covered_request_is_accepted_as_call_approved_in_one_click(client, inv):
    ticket = inv["customer_api"].post("/api/tickets", {"agreement": inv["agreement"].code, "subject": "Refresh fails", "description": "x"}).json()
    assert inv["staff_api"].get("/api/triage/queue").json()[0]["completeness"] == "pending"  # until the worker ran
    follow_up_pending()  # the worker's follow-up of the registration
    queue = inv["staff_api"].get("/api/triage/queue").json()
    assert queue[0]["ticket"] == ticket["id"] and queue[0]["completeness"] == "incomplete"
    assert queue[0]["actions"][0] == "send_back" and queue[0]["response_due"]
    accepted = inv["staff_api"].post(f"/api/triage/tickets/{ticket['id']}/accept", {"reason": "called: details by phone"})
    assert accepted.json()["customer_state"] == {"category": "Call", "status": "approved", "code": "accepted",
                                                 "meaning": "Accepted for handling under the support contract."}
    client.force_login(inv["coord"].user)
    assert "Status: Approved" in client.get(f"/portal/requests/{ticket['id']}/").content.decode()


def test_customers_cannot_triage_and_other_organisations_get_404(inv):
    ticket = inv["customer_api"].post("/api/tickets", {"agreement": inv["agreement"].code, "subject": "Refresh fails"}).json()
    assert inv["customer_api"].post(f"/api/triage/tickets/{ticket['id']}/accept", {}).status_code == 403
    assert inv["customer_api"].get("/api/triage/queue").status_code == 403
    stranger = Api(f.contact(f.organisation("Other")).user)
    assert stranger.post(f"/api/triage/tickets/{ticket['id']}/category-requests",
                         {"requested": "I", "motivation": "Everything is down here"}).status_code == 404


def test_category_request_and_decision_through_the_api(inv):
    ticket = inv["customer_api"].post("/api/tickets", {"agreement": inv["agreement"].code, "subject": "Nothing works"}).json()
    asked = inv["customer_api"].post(f"/api/triage/tickets/{ticket['id']}/category-requests",
                                     {"requested": "I", "motivation": "No one can invoice today"})
    assert asked.status_code == 201
    decided = inv["staff_api"].post(f"/api/triage/category-requests/{asked.json()['id']}/decision",
                                    {"accept": True, "reason": "confirmed"})
    assert decided.json()["priority"] == "I"


def test_licence_key_through_the_api_and_listed_for_the_coordinator(client, inv):
    plain = f.contact(inv["org"], coordinator=False)
    asked = Api(plain.user).post("/api/triage/licence-key-requests", {"agreement_code": inv["agreement"].code,
                                                                       "version": "24.0"})
    assert asked.status_code == 201
    wrong = Api(plain.user).post("/api/triage/licence-key-requests", {"agreement_code": "NOPE", "version": "24.0"})
    assert wrong.status_code == 400 and "not an agreement" in wrong.json()["detail"]
    issued = inv["staff_api"].post(f"/api/triage/tickets/{asked.json()['ticket']}/licence-key", {"key": "AAA-BBB"})
    assert issued.json()["sent_to"] == inv["coord"].email
    assert Api(plain.user).get("/api/triage/licence-keys").json() == []
    assert [k["key"] for k in inv["customer_api"].get("/api/triage/licence-keys").json()] == ["AAA-BBB"]
    client.force_login(inv["coord"].user)
    assert "AAA-BBB" in client.get("/portal/licence-keys/").content.decode()
    assert LicenceKey.objects.count() == 1


def test_a_reply_by_mail_approves_the_proposal(inv):
    from meldpunt.tickets.services import add_message
    from meldpunt.triage import services

    ticket = Ticket.objects.get(pk=inv["customer_api"].post("/api/tickets", {"agreement": inv["agreement"].code, "subject": "Advice", "kind": "question"}).json()["id"])
    services.convert_to_advisory(ticket, actor=inv["staff"])
    proposal = services.draft_proposal(ticket, actor=inv["staff"], hours="1", rate="100", description="Advice")
    services.send_proposal(proposal, actor=inv["staff"])
    add_message(ticket, "Akkoord, graag inplannen", author=inv["coord"].user, from_customer=True, channel="email")
    proposal.refresh_from_db()
    assert proposal.state == "sent"  # not on a line of its own: no decision
    add_message(ticket, "Akkoord.\nGraag inplannen.", author=inv["coord"].user, from_customer=True, channel="email")
    proposal.refresh_from_db()
    assert proposal.state == "approved" and proposal.decided_by == inv["coord"].user


def test_console_triage_pages_render_and_act(client, inv):
    ticket = inv["customer_api"].post("/api/tickets", {"agreement": inv["agreement"].code, "subject": "Refresh fails", "description": "x"}).json()
    follow_up_pending()  # the worker's follow-up of the registration
    client.force_login(inv["staff"])
    assert "Triage by contract" in client.get("/console/triage/").content.decode()
    page = client.get(f"/console/triage/{ticket['id']}/").content.decode()
    assert "not allowed to control the PC" in page and "Incomplete" in page
    client.post(f"/console/triage/{ticket['id']}/act/", {"action": "convert", "reason": "how-to question"})
    assert Ticket.objects.get(pk=ticket["id"]).kind == "advisory"
    client.force_login(inv["coord"].user)
    assert client.get(f"/console/triage/{ticket['id']}/").status_code == 404
    assert client.get(f"/portal/requests/{ticket['id']}/proposal/").status_code == 200
