"""Issue 21: what the desk writes itself into a ticket (an accepted category request's priority
reason, a correction by the customer's answer) is kept as a code and worded on the ticket page
in the reader's language; events written in English before read the same way."""

from __future__ import annotations

import re

import pytest

from meldpunt.tickets import events
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.triage import requests as tr
from tests.support import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    org = f.organisation("Northwind", language="nl")
    coordinator = f.contact(org)
    agreement = f.agreement(org, "invantive", "subscription", coordinator=coordinator)
    found, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=coordinator, subject="Refresh fails",
                                        description="Refreshing stops", error_code="itgenclr073", product="Invantive Cloud",
                                        product_version="24.0", reproduction="1. Open"))
    return found, coordinator


def _page(client, ticket, language: str) -> str:
    client.cookies["django_language"] = language
    html = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def test_an_accepted_category_request_reads_in_each_agents_language(ticket, client):
    ticket, coordinator = ticket
    found = tr.request_category(ticket, requested="I", motivation="All invoicing\nstopped", by=coordinator.user)
    tr.decide_category(found, accept=True, actor=f.staff_user(), reason="confirmed by phone")
    ticket.refresh_from_db()
    assert ticket.priority_reason == "category I on the customer's request (All invoicing stopped); confirmed by phone"
    client.force_login(f.staff_user())
    english, dutch = _page(client, ticket, "en"), _page(client, ticket, "nl")
    assert "category I on the customer's request (All invoicing stopped); confirmed by phone" in english
    assert "categorie I op verzoek van de klant (All invoicing stopped); confirmed by phone" in dutch
    assert "on the customer's request" not in dutch


def test_a_correction_by_the_customers_answer_reads_in_each_agents_language(ticket, client):
    ticket, _ = ticket
    events.record(ticket, "corrected", changes={"product_version": ["24.0", "24.1"]}, source="customer_answer")
    events.record(ticket, "corrected", changes={"error_code": ["", "x1"]}, reason="the customer's answer")  # older row
    client.force_login(f.staff_user())
    english, dutch = _page(client, ticket, "en"), _page(client, ticket, "nl")
    assert "Corrected: version: 24.0 → 24.1 (the customer's answer)" in english
    assert "Corrected: error code: – → x1 (the customer's answer)" in english
    assert "versie: 24.0 → 24.1 (het antwoord van de klant)" in dutch
    assert "foutcode: – → x1 (het antwoord van de klant)" in dutch and "the customer's answer" not in dutch


@pytest.mark.parametrize(("language", "subject"), [("nl", "Licentiesleutel Invantive Cloud 24.0"),
                                                    ("en", "Licence key Invantive Cloud 24.0")])
def test_a_licence_key_request_is_titled_in_the_customers_language(ticket, client, language, subject):
    _found, coordinator = ticket
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    key = tr.request_licence_key(contact=coordinator, agreement_code=coordinator.organisation.agreements.get().code,
                                 version="24.0", product="Invantive Cloud")
    assert key.subject == subject
    client.force_login(coordinator.user)
    client.cookies["django_language"] = language
    assert subject in _text_of(client.get(f"/portal/requests/{key.pk}/").content.decode())


def _text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
