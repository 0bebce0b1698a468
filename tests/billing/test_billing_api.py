"""The billing API: time entries booked through ``book_time`` (rounding, the 4-hour rule,
the proposal guard, budgets, idempotency keys) with clear 4xx answers, invoices with their
lines, PDF and UBL, and budgets per agreement and per proposal — each only for who may
see it: vendor staff all, an organisation's coordinators their own, plain contacts none."""

import os
import threading
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from meldpunt.billing.models import Budget, Invoice, TimeEntry
from meldpunt.billing.services import book_time, credit_invoice, run_month
from meldpunt.tickets.models import TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 11, 2)


@pytest.fixture
def shop():
    """Two customers: Northwind on Invantive (30-minute units, 4-hour rule), Contoso on ERP.M."""
    staff = f.staff_user()
    north, contoso = f.organisation("Northwind", language="en"), f.organisation("Contoso")
    coord, plain, other = f.contact(north), f.contact(north, coordinator=False), f.contact(contoso)
    agreement = f.agreement(north, "invantive", "subscription", coordinator=coord)
    other_agreement = f.agreement(contoso, "erpm", "small", coordinator=other)
    question, _ = create_ticket(NewRequest(organisation=north, agreement=agreement, contact=plain, kind="question",
                                           subject="How do I join two tables?"))
    return {"staff": staff, "coord": coord, "plain": plain, "other": other, "agreement": agreement,
            "other_agreement": other_agreement, "question": question, "org": north}


def _time(ticket) -> str:
    return f"/api/tickets/{ticket.pk}/time-entries"


# ------------------------------------------------------------------ booking
def test_staff_book_time_with_the_catalogs_rounding(shop):
    response = Api(shop["staff"]).post(_time(shop["question"]), {"minutes": 1, "rate": "120.00", "note": "joins"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True and body["warnings"] == [] and body["budget"] is None
    entry = body["entry"]
    assert (entry["minutes"], entry["billed_minutes"], entry["billable"], entry["rate"], entry["amount"]) == (
        1, 30, True, "120.00", "60.00")
    assert entry["note"] == "joins" and entry["invoice"] is None
    assert entry["explanation"] == "1 min worked, billed as 30 min (rounded up to whole 30-minute units) at €120.00/h = €60.00"
    assert TimeEntry.objects.get().agent == shop["staff"]


def test_a_time_entrys_explanation_is_worded_in_the_readers_language(shop):
    """Issue 21: the entry keeps facts; the API words them by Accept-Language when read."""
    book_time(ticket=shop["question"], agent=shop["staff"], minutes=45, rate="120.00")
    dutch = Api(shop["coord"].user, HTTP_ACCEPT_LANGUAGE="nl").get(_time(shop["question"])).json()
    english = Api(shop["coord"].user, HTTP_ACCEPT_LANGUAGE="en").get(_time(shop["question"])).json()
    assert dutch[0]["explanation"] == ("45 min gewerkt, gefactureerd als 1 u (naar boven afgerond op hele eenheden "
                                       "van 30 minuten) tegen € 120,00/u = € 120,00")
    assert english[0]["explanation"] == ("45 min worked, billed as 1 h (rounded up to whole 30-minute units) "
                                         "at €120.00/h = €120.00")


def test_the_4_hour_rule_and_bad_input_answer_4xx_not_500(shop):
    api = Api(shop["staff"])
    refused = api.post(_time(shop["question"]), {"minutes": 240, "rate": "120.00"})
    assert refused.status_code == 400 and "register it as a consultant request" in refused.json()["detail"]
    no_rate = api.post(_time(shop["question"]), {"minutes": 30})
    assert no_rate.status_code == 400 and no_rate.json()["detail"].startswith("rate:")
    for bad in ({"minutes": 0}, {"minutes": 1441}, {"minutes": 10, "rate": "1.005"}, {"minutes": 10, "rate": -1},
                {"minutes": 10, "started_at": (timezone.now() + timedelta(days=1)).isoformat()},
                {"minutes": 10, "started_at": "1999-12-31T23:00:00+00:00"}, {"minutes": 10, "started_at": "2026-10-01T10:00"}):
        assert api.post(_time(shop["question"]), bad).status_code == 422, bad
    assert api.post(_time(shop["question"]), raw="{not json").status_code in (400, 422)
    assert TimeEntry.objects.count() == 0


def test_the_proposal_guard_answers_409():
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "medium")
    advisory, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, kind="advisory", subject="Custom report"))
    response = Api(f.staff_user()).post(_time(advisory), {"minutes": 30, "rate": "100.00"})
    assert response.status_code == 409 and "without an approved proposal" in response.json()["detail"]


def test_budget_warnings_and_no_silent_overrun_through_the_api(shop):
    Budget.objects.create(agreement=shop["agreement"], approved=Decimal("300.00"))
    api, url = Api(shop["staff"]), _time(shop["question"])
    assert api.post(url, {"minutes": 60, "rate": "120.00"}).json()["warnings"] == []
    second = api.post(url, {"minutes": 60, "rate": "120.00"}).json()  # 240 of 300: 80 %
    assert second["warnings"] == [f"budget of agreement {shop['agreement'].code}: 80% used, 60.00 left of 300.00"]
    assert second["budget"] == {"approved": "300.00", "booked": "240.00", "invoiced": "0.00", "remaining": "60.00",
                                "currency": "EUR", "used_percent": 80, "warn_percent": 80, "warning": True,
                                "exceeded": False}
    over = api.post(url, {"minutes": 60, "rate": "120.00"})
    assert over.status_code == 409 and "ask the coordinator to approve more first" in over.json()["detail"]
    allowed = api.post(url, {"minutes": 60, "rate": "120.00", "allow_overrun": True})
    assert allowed.status_code == 201 and allowed.json()["budget"]["exceeded"] is True
    assert TicketEvent.objects.filter(ticket=shop["question"], kind="budget_warning").count() == 2


def test_an_idempotency_key_books_once(shop):
    api, url = Api(shop["staff"]), _time(shop["question"])
    first = api.post(url, {"minutes": 31, "rate": "120.00"}, HTTP_IDEMPOTENCY_KEY="timer-42")
    again = api.post(url, {"minutes": 31, "rate": "120.00"}, HTTP_IDEMPOTENCY_KEY="timer-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["entry"]["id"] == first.json()["entry"]["id"] and again.json()["created"] is False
    other = api.post(url, {"minutes": 31, "rate": "120.00"}, HTTP_IDEMPOTENCY_KEY="timer-43")
    assert other.status_code == 201 and TimeEntry.objects.count() == 2
    # the key is per ticket: the same key on another ticket books there
    incident, _ = create_ticket(NewRequest(organisation=shop["org"], agreement=shop["agreement"], subject="Refresh fails"))
    assert api.post(_time(incident), {"minutes": 5}, HTTP_IDEMPOTENCY_KEY="timer-42").status_code == 201


def test_the_database_refuses_a_second_entry_with_the_same_key_on_a_ticket(shop):
    from django.db import IntegrityError, transaction

    entry = book_time(ticket=shop["question"], agent=shop["staff"], minutes=5, billable=False, idempotency_key="k1").entry
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(ticket=shop["question"], started_at=entry.started_at, minutes=5, idempotency_key="k1")
    TimeEntry.objects.create(ticket=shop["question"], started_at=entry.started_at, minutes=5)  # no key: no limit
    TimeEntry.objects.create(ticket=shop["question"], started_at=entry.started_at, minutes=5)


# Row-level races need PostgreSQL: SQLite serialises writers (IMMEDIATE transactions), and the
# test suite's shared-cache in-memory SQLite answers "table is locked" at once instead of waiting.
if os.environ.get("DATABASE_URL"):

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_two_clients_with_the_same_key_at_once_book_once(shop, settings):
        """Two real threads, each with its own connection: the unique (ticket, key) decides."""
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
        barrier, results = threading.Barrier(2), []

        def attempt() -> None:
            try:
                barrier.wait(timeout=10)
                response = Api(shop["staff"]).post(_time(shop["question"]), {"minutes": 31, "rate": "120.00"},
                                                   HTTP_IDEMPOTENCY_KEY="double-click")
                results.append((response.status_code, response.json()["entry"]["id"]))
            except Exception as exc:  # shown by the assertion below
                results.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(code for code, _ in results) == [200, 201], results
        assert len({entry for _, entry in results}) == 1 and TimeEntry.objects.count() == 1


def test_customers_cannot_book_and_another_organisation_gets_404(shop):
    assert Api(shop["coord"].user).post(_time(shop["question"]), {"minutes": 5}).status_code == 403
    assert Api(shop["other"].user).post(_time(shop["question"]), {"minutes": 5}).status_code == 404
    assert Api(shop["staff"]).post("/api/tickets/999999/time-entries", {"minutes": 5}).status_code == 404
    assert TimeEntry.objects.count() == 0


# ------------------------------------------------------------------ listing time
def test_time_entries_for_staff_and_coordinators_not_for_plain_contacts(shop):
    book_time(ticket=shop["question"], agent=shop["staff"], minutes=31, rate="120.00", note="internal: slow VPN",
              started_at=f.ams(2026, 10, 5, 10, 0))
    book_time(ticket=shop["question"], agent=shop["staff"], minutes=10, billable=False)
    run_month(month="2026-10", today=ISSUED)
    staff = Api(shop["staff"]).get(_time(shop["question"])).json()
    assert [(e["minutes"], e["billable"], e["amount"]) for e in staff] == [(31, True, "120.00"), (10, False, "0.00")]
    assert staff[0]["note"] == "internal: slow VPN" and staff[0]["invoice"] == Invoice.objects.get(organisation=shop["org"]).number
    assert staff[0]["started_at"] == "2026-10-05T10:00:00+02:00"
    coordinator = Api(shop["coord"].user).get(_time(shop["question"]))
    assert coordinator.status_code == 200 and [e["note"] for e in coordinator.json()] == ["", ""]
    assert Api(shop["plain"].user).get(_time(shop["question"])).status_code == 403
    assert Api(shop["other"].user).get(_time(shop["question"])).status_code == 404


# ------------------------------------------------------------------ invoices
@pytest.fixture
def invoiced(shop):
    book_time(ticket=shop["question"], agent=shop["staff"], minutes=31, rate="120.00", started_at=f.ams(2026, 10, 5, 10, 0))
    run_month(month="2026-10", today=ISSUED)  # Northwind: time only (Invantive has no price); Contoso: ERP.M Small
    invoice = Invoice.objects.get(organisation=shop["org"])
    note = credit_invoice(invoice=invoice, reason="Wrong rate", today=ISSUED)
    return {**shop, "invoice": invoice, "note": note}


def test_invoices_are_listed_for_coordinators_of_their_own_organisation(invoiced):
    mine = Api(invoiced["coord"].user).get("/api/invoices").json()
    assert [i["number"] for i in mine["items"]] == [invoiced["note"].number, invoiced["invoice"].number]
    assert mine["next_before"] is None
    first = mine["items"][1]
    assert (first["kind"], first["type_code"], first["period"], first["net"], first["vat"], first["total"]) == (
        "invoice", "380", "2026-10", "120.00", "25.20", "145.20")
    assert first["issued_on"] == "2026-11-02" and first["due_on"] == "2026-12-02" and first["credits"] is None
    assert mine["items"][0]["credits"] == invoiced["invoice"].number and mine["items"][0]["type_code"] == "381"
    assert Api(invoiced["plain"].user).get("/api/invoices").json() == {"items": [], "next_before": None}
    others = Api(invoiced["other"].user).get("/api/invoices").json()["items"]
    assert invoiced["invoice"].number not in [i["number"] for i in others] and len(others) == 1


def test_staff_page_and_filter_invoices(invoiced):
    api = Api(invoiced["staff"])
    assert len(api.get("/api/invoices").json()["items"]) == 3
    page = api.get("/api/invoices", limit=2).json()
    rest = api.get("/api/invoices", limit=2, before=page["next_before"]).json()
    assert len(page["items"]) == 2 and len(rest["items"]) == 1 and rest["next_before"] is None
    assert {i["id"] for i in page["items"]} | {i["id"] for i in rest["items"]} == set(Invoice.objects.values_list("id", flat=True))
    assert [i["number"] for i in api.get("/api/invoices", kind="credit_note").json()["items"]] == [invoiced["note"].number]
    assert api.get("/api/invoices", month="2026-09").json()["items"] == []
    assert len(api.get("/api/invoices", month="2026-10", organisation=invoiced["org"].pk).json()["items"]) == 2
    for bad in ("2026-13", "0000-01", "october"):
        assert api.get("/api/invoices", month=bad).status_code == 422, bad


def test_invoice_detail_has_every_line_and_where_it_comes_from(invoiced):
    api = Api(invoiced["coord"].user)
    detail = api.get(f"/api/invoices/{invoiced['invoice'].pk}").json()
    (line,) = detail["lines"]
    assert (line["position"], line["source_type"], line["quantity"], line["unit_price"], line["amount"]) == (
        1, "time", "1.00", "120.00", "120.00")
    assert line["description"] == f"Ticket #{invoiced['question'].number}: How do I join two tables?"
    assert line["source"].startswith("1 time entry, 1 h billed (31 min worked)")
    assert line["agreement"] == invoiced["agreement"].code and line["ticket"] == invoiced["question"].pk
    assert detail["credit_notes"] == [invoiced["note"].number]
    credit = api.get(f"/api/invoices/{invoiced['note'].pk}").json()
    assert credit["lines"][0]["credits_line"] == 1 and credit["lines"][0]["amount"] == "-120.00"
    assert credit["reason"] == "Wrong rate"


def test_invoice_pdf_and_ubl_through_the_api(invoiced):
    api = Api(invoiced["coord"].user)
    pdf = api.get(f"/api/invoices/{invoiced['invoice'].pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ubl = api.get(f"/api/invoices/{invoiced['note'].pk}/ubl")
    assert ubl.status_code == 200 and ubl["Content-Type"] == "application/xml"
    assert ubl["Content-Disposition"] == f'attachment; filename="{invoiced["note"].number}.xml"'
    root = ET.fromstring(ubl.content)
    assert root.tag.endswith("}CreditNote")
    ns = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
          "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
    assert root.find("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", ns).text == invoiced["invoice"].number


def test_another_organisations_invoice_answers_404_everywhere(invoiced):
    for who in (invoiced["other"].user, invoiced["plain"].user):
        api = Api(who)
        for suffix in ("", "/pdf", "/ubl"):
            response = api.get(f"/api/invoices/{invoiced['invoice'].pk}{suffix}")
            assert response.status_code == 404 and response.json() == {"detail": f"invoice {invoiced['invoice'].pk} not found"}


# ------------------------------------------------------------------ budgets
def test_agreement_budget(shop):
    url = f"/api/agreements/{shop['agreement'].pk}/budget"
    assert Api(shop["coord"].user).get(url).status_code == 404  # no budget set yet
    Budget.objects.create(agreement=shop["agreement"], approved=Decimal("1000.00"))
    book_time(ticket=shop["question"], agent=shop["staff"], minutes=31, rate="120.00", started_at=f.ams(2026, 10, 5, 10, 0))
    book_time(ticket=shop["question"], agent=shop["staff"], minutes=20, rate="120.00", started_at=f.ams(2026, 11, 2, 10, 0))
    run_month(month="2026-10", today=ISSUED)
    body = Api(shop["coord"].user).get(url).json()
    assert body == {"agreement": {"id": shop["agreement"].pk, "name": shop["agreement"].code}, "approved": "1000.00",
                    "booked": "180.00", "invoiced": "120.00", "remaining": "820.00", "currency": "EUR",
                    "used_percent": 18, "warn_percent": 80, "warning": False, "exceeded": False}
    assert Api(shop["staff"]).get(url).json() == body
    assert Api(shop["plain"].user).get(url).status_code == 403
    assert Api(shop["other"].user).get(url).status_code == 404


def test_proposal_budget_and_the_budget_list(shop):
    advisory, _ = create_ticket(NewRequest(organisation=shop["org"], agreement=shop["agreement"], contact=shop["coord"],
                                           kind="advisory", subject="Data model review"))
    proposal = f.approved_proposal(advisory, hours="2", rate="100.00")  # 200.00
    book_time(ticket=advisory, agent=shop["staff"], minutes=90, rate="100.00")  # 150.00: 75 %
    url = f"/api/proposals/{proposal.pk}/budget"
    body = Api(shop["coord"].user).get(url).json()
    assert {k: body[k] for k in ("proposal", "ticket", "subject", "agreement", "approved", "booked", "invoiced",
                                  "remaining", "used_percent", "warning")} == {
        "proposal": proposal.pk, "ticket": advisory.pk, "subject": "Data model review", "agreement": shop["agreement"].code,
        "approved": "200.00", "booked": "150.00", "invoiced": "0.00", "remaining": "50.00", "used_percent": 75,
        "warning": False}
    book_time(ticket=advisory, agent=shop["staff"], minutes=30, rate="100.00")
    assert Api(shop["staff"]).get(url).json()["warning"] is True  # 200 of 200
    assert Api(shop["plain"].user).get(url).status_code == 404  # not the plain contact's request
    assert Api(shop["other"].user).get(url).status_code == 404
    budgets = Api(shop["coord"].user).get("/api/budgets").json()
    assert [p["proposal"] for p in budgets["proposals"]] == [proposal.pk] and budgets["agreements"] == []
    assert Api(shop["other"].user).get("/api/budgets").json() == {"agreements": [], "proposals": []}
    assert Api(shop["plain"].user).get("/api/budgets").json() == {"agreements": [], "proposals": []}


def test_a_proposal_that_is_not_approved_is_no_budget(shop):
    from meldpunt.triage import services

    advisory, _ = create_ticket(NewRequest(organisation=shop["org"], agreement=shop["agreement"], contact=shop["coord"],
                                           kind="advisory", subject="Migration plan"))
    services.convert_to_advisory(advisory, actor=shop["staff"])
    proposal = services.draft_proposal(advisory, actor=shop["staff"], hours="3", rate="100.00", description="Plan")
    url = f"/api/proposals/{proposal.pk}/budget"
    assert Api(shop["coord"].user).get(url).status_code == 404  # a draft is not shown to the customer at all
    drafted = Api(shop["staff"]).get(url)
    assert drafted.status_code == 404 and "only an approved proposal is a budget" in drafted.json()["detail"]
    services.send_proposal(proposal, actor=shop["staff"])
    sent = Api(shop["coord"].user).get(url)
    assert sent.status_code == 404 and sent.json()["detail"].startswith(f"proposal {proposal.pk} is sent")
