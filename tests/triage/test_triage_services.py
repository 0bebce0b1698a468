"""Triage by contract through the services (seeds 001, 002, 003, 004): completeness first,
coverage next, advisory conversion with a proposal, categories, licence keys
(the special-event weekend: test_special_weekend.py)."""

import os
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from meldpunt.billing.services import ProposalNotApproved, book_time
from meldpunt.contracts.models import AgreementAddon
from meldpunt.intake.models import OutboundMail
from meldpunt.tickets.models import Clock, TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message
from meldpunt.triage import requests as tr
from meldpunt.triage import services
from meldpunt.triage.models import Assessment, LicenceKey
from meldpunt.triage.selectors import customer_state, proposal_block, triage_queue
from meldpunt.triage.tasks import follow_up
from tests.support import factories as f

pytestmark = pytest.mark.django_db

FULL = dict(description="Refreshing the Exact Online sheet stops with an error", error_code="itgenclr073",
            product="Invantive Cloud", product_version="24.0.123", reproduction="1. Open sheet 2. Refresh")


@pytest.fixture
def inv():
    org = f.organisation("Northwind", language="nl")
    coordinator = f.contact(org)
    agreement = f.agreement(org, "invantive", "subscription", coordinator=coordinator)
    agreement.catalog.source  # noqa: B018 - loaded
    return {"org": org, "coord": coordinator, "plain": f.contact(org, coordinator=False), "agreement": agreement,
            "agent": f.staff_user()}


def _incident(inv, **fields):
    subject = fields.pop("subject", "Refresh fails")
    return create_ticket(NewRequest(organisation=inv["org"], agreement=inv["agreement"], contact=inv["coord"],
                                    subject=subject, **{**FULL, **fields}))[0]


def test_the_worker_stores_the_completeness_and_coverage_outcome_after_intake(inv):
    ticket = _incident(inv, reproduction="")
    assert not Assessment.objects.filter(ticket=ticket).exists()  # registering does not wait for it
    assert follow_up.call() == 1
    assert follow_up.call() == 0  # a retried task finds it done
    assessment = Assessment.objects.get(ticket=ticket)
    assert assessment.completeness == "incomplete" and assessment.coverage == "covered"
    assert assessment.missing[0]["field"] == "reproduction" and "reproductiescenario" in assessment.missing[0]["text"]


def test_a_limit_flag_reads_in_either_language():
    org = f.organisation("Bakkerij", language="nl")
    coordinator = f.contact(org)
    agreement = f.agreement(org, "erpm", "small", coordinator=coordinator, declared_users=26)
    ticket = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=coordinator, subject="Storing",
                                      impact="one", urgency="low", **FULL))[0]
    follow_up.call()
    flags = Assessment.objects.get(ticket=ticket).flags
    assert flags == [{"code": "limit", "en": "Limit exceeded: users: 26 declared, package allows 25",
                      "nl": "Limiet overschreden: gebruikers: 26 opgegeven, het pakket staat 25 toe"}]


def test_an_action_before_the_worker_assesses_then_and_the_worker_not_again(inv):
    ticket = _incident(inv)
    assert services.assessment_for(ticket).completeness == "complete"  # what accept and convert use
    assert Assessment.objects.filter(ticket=ticket).count() == 1
    assert follow_up.call() == 1  # the confirmation still goes out
    assert Assessment.objects.filter(ticket=ticket).count() == 1
    assert OutboundMail.objects.filter(ticket=ticket, kind="confirmation").count() == 1


def test_incomplete_goes_back_in_dutch_pauses_the_clock_and_the_answer_resumes_it(inv):
    ticket = _incident(inv, product_version="")
    services.send_back(ticket, actor=inv["agent"])
    ticket.refresh_from_db()
    assert (ticket.status, ticket.triage_state) == ("waiting_customer", "incomplete")
    assert customer_state(ticket).code == "not_accepted" and customer_state(ticket).status_code == "new"
    mail = OutboundMail.objects.filter(ticket=ticket, kind="info_request").get()
    assert "De versie van het product" in mail.body and mail.language == "nl"
    assert Clock.objects.get(ticket=ticket, metric="resolution").state == "paused"
    add_message(ticket, "Versie 24.0.123", author=inv["coord"].user, from_customer=True)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.triage_state) == ("new", "")
    assert Clock.objects.get(ticket=ticket, metric="resolution").state == "running"
    assert Assessment.objects.get(ticket=ticket).answered_at is not None


def test_accepting_a_covered_request_is_call_approved(inv):
    ticket = _incident(inv)
    services.accept(ticket, actor=inv["agent"])
    ticket.refresh_from_db()
    state = customer_state(ticket)
    assert (state.category, state.status_code, state.code) == ("Call", "approved", "accepted")


def test_accepting_what_the_check_found_not_covered_needs_a_reason(inv):
    question = create_ticket(NewRequest(organisation=inv["org"], agreement=inv["agreement"], kind="question",
                                        subject="How do I join two tables?"))[0]
    with pytest.raises(services.TriageError, match="give a reason"):
        services.accept(question, actor=inv["agent"])
    services.accept(question, actor=inv["agent"], reason="goodwill: five minutes")
    assert TicketEvent.objects.filter(ticket=question, kind="triage", data__reason="goodwill: five minutes").exists()


def test_not_covered_becomes_advisory_with_history_kept_and_a_mail(inv):
    question = create_ticket(NewRequest(organisation=inv["org"], agreement=inv["agreement"], contact=inv["coord"],
                                        kind="question", subject="How do I set up the sheet?"))[0]
    services.convert_to_advisory(question, actor=inv["agent"])
    question.refresh_from_db()
    assert (question.kind, question.triage_state) == ("advisory", "advisory")
    assert TicketEvent.objects.filter(ticket=question, kind="kind", data__old="question", data__new="advisory").exists()
    assert TicketEvent.objects.filter(ticket=question, kind="created").exists()
    mail = OutboundMail.objects.get(ticket=question, kind="advisory")
    assert "community" in mail.body and "categorie: Advies" in mail.body


def _advisory(inv):
    ticket = create_ticket(NewRequest(organisation=inv["org"], agreement=inv["agreement"], contact=inv["coord"],
                                      kind="question", subject="Advice on our report set-up"))[0]
    return services.convert_to_advisory(ticket, actor=inv["agent"])


def test_a_proposal_has_decimal_amount_currency_and_validity(inv):
    ticket = _advisory(inv)
    proposal = services.draft_proposal(ticket, actor=inv["agent"], hours="2.5", rate="120.00", description="Review")
    assert (proposal.amount, proposal.currency, proposal.state) == (Decimal("300.00"), "EUR", "draft")
    assert proposal.valid_until == timezone.localdate() + timedelta(days=14)
    services.send_proposal(proposal, actor=inv["agent"])
    mail = OutboundMail.objects.get(ticket=ticket, kind="proposal")
    assert "AKKOORD" in mail.body and "EUR 300.00" not in mail.body
    # figures in the Dutch reader's notation (issue 21: "EUR 125.00", "2.00", "2027-01-05")
    assert "Bedrag: € 300,00 excl. btw" in mail.body and "Geschatte uren: 2,50" in mail.body
    assert "Uurtarief: € 120,00" in mail.body
    assert f"Geldig tot en met: {proposal.valid_until.day} " in mail.body and proposal.valid_until.isoformat() not in mail.body


def test_the_proposal_text_reads_british_in_english_and_dutch_in_dutch():
    from types import SimpleNamespace

    proposal = SimpleNamespace(description="Review", hours=Decimal("1234.5"), rate=Decimal("125.00"),
                               amount=Decimal("154312.50"), currency="EUR", valid_until=date(2027, 1, 5))
    english = services.proposal_text(proposal, "en")
    assert english.splitlines()[2:] == ["Estimated hours: 1,234.50", "Hourly rate: €125.00",
                                        "Amount: €154,312.50 excl. VAT", "Valid until: 5 January 2027"]
    dutch = services.proposal_text(proposal, "nl")
    assert dutch.splitlines()[2:] == ["Geschatte uren: 1.234,50", "Uurtarief: € 125,00",
                                      "Bedrag: € 154.312,50 excl. btw", "Geldig tot en met: 5 januari 2027"]


def test_an_estimate_of_four_hours_or_more_becomes_a_consultant_request(inv):
    ticket = _advisory(inv)
    services.draft_proposal(ticket, actor=inv["agent"], hours="4", rate="120.00", description="Workshop")
    ticket.refresh_from_db()
    assert ticket.kind == "consultant" and customer_state(ticket).category_code == "Consultant"
    assert TicketEvent.objects.filter(ticket=ticket, kind="kind", data__new="consultant").exists()


def test_an_expired_proposal_cannot_be_approved(inv):
    ticket = _advisory(inv)
    proposal = services.draft_proposal(ticket, actor=inv["agent"], hours="1", rate="100", description="x")
    services.send_proposal(proposal, actor=inv["agent"])
    type(proposal).objects.filter(pk=proposal.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(services.TriageError):
        services.decide_proposal(proposal, approve=True, by=inv["coord"].user)
    assert services.expire_proposals() == 1


def test_no_billable_time_on_an_advisory_request_before_approval(inv):
    ticket = _advisory(inv)
    with pytest.raises(ProposalNotApproved, match="without an approved proposal"):
        book_time(ticket=ticket, agent=inv["agent"], minutes=30, rate="120.00")
    with pytest.raises(ProposalNotApproved, match="only a support manager"):
        book_time(ticket=ticket, agent=inv["agent"], minutes=30, rate="120.00", override_reason="urgent")
    assert not ticket.time_entries.exists()
    proposal = services.draft_proposal(ticket, actor=inv["agent"], hours="1", rate="120.00", description="x")
    services.send_proposal(proposal, actor=inv["agent"])
    services.decide_proposal(proposal, approve=True, by=inv["coord"].user)
    assert proposal_block(ticket) is None
    assert book_time(ticket=ticket, agent=inv["agent"], minutes=30, rate="120.00").entry.billable


def test_a_manager_may_override_and_it_is_audited(inv):
    ticket = _advisory(inv)
    manager = f.staff_user("manager")
    manager.user_permissions.add(Permission.objects.get(codename="override_proposal"))
    manager = type(manager).objects.get(pk=manager.pk)
    book_time(ticket=ticket, agent=manager, minutes=30, rate="120.00", override_reason="customer agreed by phone")
    event = TicketEvent.objects.get(ticket=ticket, kind="proposal_override")
    assert event.actor == manager and event.data["reason"] == "customer agreed by phone"


def test_customer_asks_for_category_i_and_the_clock_moves(inv):
    ticket = _incident(inv)
    before = Clock.objects.get(ticket=ticket, metric="response").due_at
    found = tr.request_category(ticket, requested="I", motivation="All invoicing stopped for everyone", by=inv["coord"].user)
    tr.decide_category(found, accept=True, actor=inv["agent"], reason="confirmed by phone")
    ticket.refresh_from_db()
    after = Clock.objects.get(ticket=ticket, metric="response")
    assert ticket.priority == "I" and after.due_at < before
    assert TicketEvent.objects.filter(ticket=ticket, kind="priority", data__new="I").exists()
    assert "customer's request" in ticket.priority_reason


def test_a_refused_category_says_why(inv):
    ticket = _incident(inv)
    found = tr.request_category(ticket, requested="II", motivation="It annoys our users a lot", by=inv["coord"].user)
    with pytest.raises(services.TriageError, match="reason"):
        tr.decide_category(found, accept=False, actor=inv["agent"])
    tr.decide_category(found, accept=False, actor=inv["agent"], reason="a workaround exists")
    ticket.refresh_from_db()
    assert ticket.priority == "III"
    assert TicketEvent.objects.get(ticket=ticket, kind="category_decision").data["reason"] == "a workaround exists"


def test_licence_key_needs_our_agreement_code_and_goes_only_to_the_coordinator(inv):
    other = f.agreement(f.organisation("Other"), "invantive", "subscription")
    with pytest.raises(services.TriageError, match="not an agreement of"):
        tr.request_licence_key(contact=inv["plain"], agreement_code=other.code, version="24.0")
    ticket = tr.request_licence_key(contact=inv["plain"], agreement_code=inv["agreement"].code.lower(), version="24.0",
                                    product="Invantive Cloud")
    issued = tr.issue_licence_key(ticket, key="KEY-123-ABC", actor=inv["agent"])
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and issued.sent_to == inv["coord"].email
    key_mails = OutboundMail.objects.filter(ticket=ticket, kind="licence_key")
    assert [m.to for m in key_mails] == [inv["coord"].email] and "KEY-123-ABC" in key_mails[0].body
    assert not OutboundMail.objects.filter(ticket=ticket, body__contains="KEY-123-ABC").exclude(to=inv["coord"].email).exists()
    resolution = Clock.objects.get(ticket=ticket, metric="resolution")
    assert resolution.met is True
    assert list(LicenceKey.objects.values_list("key", flat=True)) == ["KEY-123-ABC"]


def test_remote_access_needs_authorisation_and_presence(inv):
    ticket = _incident(inv)
    with pytest.raises(services.TriageError, match="present"):
        tr.record_remote_consent(ticket, authorised_by="Jan", authorised=True, present=False, actor=inv["agent"])
    tr.record_remote_consent(ticket, authorised_by="Jan", authorised=True, present=True, actor=inv["agent"])
    event = TicketEvent.objects.get(ticket=ticket, kind="remote_consent")
    assert "only look" in event.data["rule"] and "not allowed to control" in tr.remote_rule(ticket, "en")


# ------------------------------------------------------------------ ERP.M coverage
def test_erpm_koppeling_request_must_name_a_paid_integration():
    org = f.organisation("Gamma")
    agreement = f.agreement(org, "erpm", "small")
    AgreementAddon.objects.create(agreement=agreement, addon="koppeling", quantity=1, names=["Mollie"])
    ok = create_ticket(NewRequest(organisation=org, agreement=agreement, subject="Mollie koppeling stops", impact="one", urgency="low",
                                  description="Payments are not imported", product="ERP.M", product_version="1", reproduction="run"))[0]
    bad = create_ticket(NewRequest(organisation=org, agreement=agreement, subject="Shopify koppeling stops", impact="one", urgency="low",
                                   description="Orders are not imported", product="ERP.M", product_version="1", reproduction="run"))[0]
    assert services.assessment_for(ok).coverage == "covered"
    assert services.assessment_for(bad).coverage == "not_covered"
    assert "paid for: Mollie" in services.assessment_for(bad).reasons[0]["en"]


def test_the_queue_is_ordered_by_response_deadline_with_outcomes(inv):
    late = _incident(inv, subject="Cat III")
    early = _incident(inv, subject="Cat I")
    from meldpunt.tickets.services import set_priority

    set_priority(early, priority="I", reason="test")
    rows = triage_queue(inv["agent"])
    assert [r.ticket.pk for r in rows][:2] == [early.pk, late.pk]
    assert rows[0].assessment is None and not Assessment.objects.exists()  # being assessed; reading wrote nothing
    follow_up.call()
    rows = triage_queue(inv["agent"])
    assert rows[0].assessment.coverage == "covered" and "accept" in rows[0].actions


if os.environ.get("DATABASE_URL"):

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_a_reader_and_the_worker_assessing_at_once_leave_one_assessment():
        """The worker's transaction has inserted the assessment but not committed; the reader
        finds none, its insert waits on the unique index and fails when the worker commits,
        and it hands back the worker's row. Real PostgreSQL, two connections."""
        org = f.organisation("Race")
        agreement = f.agreement(org, "erpm", "small")
        ticket = create_ticket(NewRequest(organisation=org, agreement=agreement, subject="Both at once", impact="one",
                                          urgency="low"))[0]
        inserted, done = threading.Event(), threading.Event()
        errors = []

        def worker() -> None:
            try:
                with transaction.atomic():
                    services.assess(ticket, new=True)
                    inserted.set()
                    deadline = time.monotonic() + 10
                    while not _someone_waits_on_a_lock() and time.monotonic() < deadline:
                        time.sleep(0.02)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()
                done.set()

        thread = threading.Thread(target=worker)
        thread.start()
        assert inserted.wait(10)
        found = services.assessment_for(ticket)  # blocks until the worker commits
        thread.join(15)
        assert done.is_set() and errors == []
        assert Assessment.objects.filter(ticket=ticket).count() == 1
        assert found.pk == Assessment.objects.get(ticket=ticket).pk and found.completeness == "incomplete"

    def _someone_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
            return cursor.fetchone()[0] > 0


def test_triage_buttons_keep_one_order_and_mark_the_recommended_one():
    """Issue 21: the buttons changed order from row to row; now the order is fixed and the
    assessment's advice is the marked (primary) button."""
    from meldpunt.tickets.models import Ticket
    from meldpunt.triage.models import Assessment
    from meldpunt.triage.selectors import ACTION_ORDER, actions_for, recommended_action, suggested_actions

    ticket = Ticket(status="new", triage_state="")
    for completeness, coverage, advice in [("incomplete", "covered", "send_back"), ("complete", "not_covered", "convert"),
                                           ("complete", "covered", "accept")]:
        seen = Assessment(completeness=completeness, coverage=coverage)
        shown = actions_for(ticket, seen)
        assert list(shown) == [a for a in ACTION_ORDER if a in shown] and set(shown) == set(suggested_actions(ticket, seen))
        assert recommended_action(ticket, seen) == advice
