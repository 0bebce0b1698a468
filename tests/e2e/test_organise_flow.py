"""Issue 19 item 6 in a real browser: the agent ticks two rows of the queue, tags both and
assigns both to a colleague in two bulk actions, then merges one into the other from its
ticket page."""

from __future__ import annotations

import pytest

from meldpunt.organise.services import linked_tickets, tags_of
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_bulk_tags_and_assigns_two_rows_then_merges_one_into_the_other(session):
    bakker = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(bakker, username="jan", language="nl")
    agreement = f.agreement(bakker, "erpm", "small", coordinator=jan)
    f.staff_user("agent")
    colleague = f.staff_user("collega")
    first, second = (create_ticket(NewRequest(organisation=bakker, agreement=agreement, contact=jan, subject=subject,
                                              impact="one", urgency="low"))[0]
                     for subject in ("Orders komen niet binnen", "Orders komen nog steeds niet binnen"))

    agent = session(locale="en-GB")
    agent.login("agent", "pw-agent-123")
    agent.go("/console/?queue=all")
    page = agent.page
    for ticket in (first, second):
        page.check(f'input[name="tickets"][value="{ticket.pk}"]')
    page.select_option("#bulk_action", "tag")
    page.fill("#bulk_tag", "Migration 2026")
    agent.shot("console-bulk.png", full_page=False)
    agent.submit("#bulk-apply")
    assert "2 requests changed." in page.inner_text("main")
    assert page.locator("table.queue .tag", has_text="migration-2026").count() == 2

    for ticket in (first, second):
        page.check(f'input[name="tickets"][value="{ticket.pk}"]')
    page.select_option("#bulk_action", "assign")
    page.select_option("#bulk_assignee", str(colleague.pk))
    agent.submit("#bulk-apply")
    assert "2 requests changed." in page.inner_text("main")
    for ticket in (first, second):
        fresh = Ticket.objects.get(pk=ticket.pk)
        assert fresh.assignee == colleague and tags_of(fresh) == ["migration-2026"]

    agent.go(f"/console/tickets/{second.pk}/")
    page.click("#merge summary")
    page.fill("#merge_number", str(first.pk))
    agent.submit("#merge button[type=submit]")
    assert page.url.split("#")[0].endswith(f"/console/tickets/{first.pk}/")
    main = page.inner_text("main")
    assert f"Request #{second.pk} was merged into this request." in main
    assert f"#{second.pk} Orders komen nog steeds niet binnen" in main
    assert Ticket.objects.get(pk=second.pk).status == "closed"
    assert [(row["ticket"].pk, row["how"]) for row in linked_tickets(first)] == [(second.pk, "merged_from")]
