"""Issue 19, what remained, in a real browser: the agent moves two queue rows to a team in
one bulk action; after a merge the customer's page of the duplicate sends them to the
request it went into (no answer form); a resolved request says in the portal, in Dutch, on
which day it closes by itself."""

from __future__ import annotations

import pytest

from meldpunt.organise.merging import merge
from meldpunt.teams.models import Team
from meldpunt.teams.services import team_of
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_bulk_team_then_a_merged_duplicate_and_the_auto_close_day_in_the_portal(session):
    bakker = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(bakker, username="jan", language="nl")
    agreement = f.agreement(bakker, "erpm", "small", coordinator=jan)
    staff = f.staff_user("agent")
    support = Team.objects.create(name="Support")
    first, second = (create_ticket(NewRequest(organisation=bakker, agreement=agreement, contact=jan, subject=subject,
                                              impact="one", urgency="low"))[0]
                     for subject in ("Orders komen niet binnen", "Orders komen nog steeds niet binnen"))

    agent = session(locale="en-GB")
    agent.login("agent", "pw-agent-123")
    agent.go("/console/?queue=all")
    page = agent.page
    for ticket in (first, second):
        page.check(f'input[name="tickets"][value="{ticket.pk}"]')
    page.select_option("#bulk_action", "team")
    page.select_option("#bulk_team", str(support.pk))
    agent.submit("#bulk-apply")
    assert "2 requests changed." in page.inner_text("main")
    assert team_of(first) == support and team_of(second) == support
    agent.go(f"/console/?queue=all&team={support.pk}")
    assert page.locator(f'input[name="tickets"][value="{second.pk}"]').count() == 1
    assert agent.problems == []

    merge(second, first, actor=staff)
    change_status(Ticket.objects.get(pk=first.pk), "resolved", actor=staff)
    customer = session(locale="nl-NL")
    customer.login("jan", "pw-customer-123")
    customer.go(f"/portal/requests/{second.pk}/")
    cpage = customer.page
    note = cpage.locator("#merged-note")
    assert f"#{first.pk}" in note.inner_text() and cpage.locator('textarea[name="body"]').count() == 0
    with cpage.expect_navigation():
        note.locator("a").click()
    assert cpage.url.endswith(f"/portal/requests/{first.pk}/")
    closing = cpage.locator("#auto-close-note").inner_text()
    assert "automatisch gesloten" in closing
    assert customer.problems == []
