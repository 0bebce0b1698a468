"""The report as the customer gave it reads the same on the console's and the portal's
request page: one template (``web/_report.html``, issue 17). Only the console adds the
desk's assessment, impact × urgency."""

from __future__ import annotations

import pytest
from django.test import Client

from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest

pytestmark = pytest.mark.django_db

FACTS = ["<dt>Product</dt><dd>ERP.M Finance 5.2</dd>", "<dt>Error code</dt><dd><code>E-4711</code></dd>",
         "<dt>Reproduction steps</dt><dd>Open the ledger<br>Post a line</dd>", "<p>The ledger hangs.</p>"]


def test_console_and_portal_show_one_report_and_only_the_console_the_assessment(desk):
    ticket, _ = create_ticket(NewRequest(
        organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"], subject="Ledger hangs",
        description="The ledger hangs.", product="ERP.M Finance", product_version="5.2", error_code="E-4711",
        reproduction="Open the ledger\nPost a line", impact="organisation", urgency="high"))
    agent, customer = Client(), Client()
    agent.force_login(desk["staff"])
    customer.force_login(desk["a_coord"].user)
    console = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    portal = customer.get(f"/portal/requests/{ticket.pk}/").content.decode()
    for fact in FACTS:
        assert fact in console and fact in portal, fact
    assert "<dt>Impact × urgency</dt>" in console and "Impact × urgency" not in portal
