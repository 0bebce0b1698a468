"""The portal's request form captures the incident details the catalog's completeness rules ask for
(issue 20 item 2), in Chromium. Seed 001: "An incident report must include a number of elements to
ensure swift and relevant resolution of incidents: Problem description; Error code (if any);
Reproduction scenario on an isolated environment." """

from __future__ import annotations

import re

import pytest

from meldpunt.tickets.models import Ticket
from meldpunt.triage.models import Assessment
from meldpunt.triage.tasks import follow_up
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_form_names_a_missing_detail_in_the_catalogs_words_and_stores_every_detail(session):
    org = f.organisation("Northwind Traders Ltd", language="en")
    emma = f.contact(org, username="emma", language="en")
    f.agreement(org, "invantive", "subscription", coordinator=emma)
    customer = session(locale="en-GB")
    customer.login("emma", "pw-customer-123")
    customer.go("/portal/requests/new/")
    page = customer.page
    page.select_option("#id_kind", "incident")
    assert page.locator("#incident-fields").is_visible()
    page.fill("#id_subject", "Refresh of the Exact Online sheet fails")
    page.fill("#id_description", "Refreshing the Exact Online sheet stops with an error since this morning.")
    page.fill("#id_product", "Invantive Cloud")
    page.fill("#id_error_code", "itgenclr073")
    page.fill("#id_reproduction", "1. Open the Revenue workbook\n2. Press Refresh")
    customer.submit("form.request-form button[type=submit]")
    # The version is missing: the form says so with the catalog's words, and nothing is registered.
    error = page.inner_text("#f-product_version")
    assert "An incident report needs this to be worked on. The version of the product." in error
    assert not Ticket.objects.exists()
    assert page.input_value("#id_reproduction") == "1. Open the Revenue workbook\n2. Press Refresh"
    page.fill("#id_product_version", "24.0.123")
    customer.submit("form.request-form button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/requests/\d+/registered/$"))
    ticket = Ticket.objects.get()
    steps = ticket.reproduction.replace("\r\n", "\n")  # a browser sends a textarea's lines with CRLF
    assert (ticket.product, ticket.product_version, ticket.error_code, steps) == (
        "Invantive Cloud", "24.0.123", "itgenclr073", "1. Open the Revenue workbook\n2. Press Refresh")
    follow_up.call()
    assert Assessment.objects.get(ticket=ticket).completeness == "complete"
