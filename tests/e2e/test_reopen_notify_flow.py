"""Issue 19 item 4 in a real browser, in Dutch: a customer answers a resolved request in the
portal, which reopens it; the assigned agent sees the unread count in the navigation, opens
the notification and lands on the reopened request."""

from __future__ import annotations

import pytest

from meldpunt.notifications.models import Notification
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, assign_ticket, change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_customer_reply_reopens_and_the_agent_is_notified(session):
    bakker = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(bakker, username="jan", language="nl")
    agreement = f.agreement(bakker, "erpm", "small", coordinator=jan)
    agent = f.staff_user("agent")
    ticket, _ = create_ticket(NewRequest(organisation=bakker, agreement=agreement, contact=jan,
                                         subject="Kassa print geen bon", impact="one", urgency="medium"))
    assign_ticket(ticket, agent, actor=agent)  # taken by the agent: no notification
    add_message(ticket, "De printerdriver is bijgewerkt.", author=agent)
    change_status(ticket, "resolved", actor=agent)
    assert not Notification.objects.filter(user=agent).exists()

    klant = session(locale="nl-NL")
    klant.login("jan", "pw-customer-123")
    klant.go(f"/portal/requests/{ticket.pk}/")
    klant.page.fill("#id_body", "Vanochtend print hij weer niets.")
    klant.submit("section[aria-labelledby=answer-h] form button[type=submit]")
    assert "het verzoek is weer geopend" in klant.page.inner_text("main")
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"

    medewerker = session(locale="nl-NL")
    medewerker.login("agent", "pw-agent-123")
    medewerker.go("/console/")
    page = medewerker.page
    assert page.inner_text("#unread-count") == "1"
    medewerker.submit("#notifications-link")
    headline = f"De reactie van de klant heeft verzoek #{ticket.pk} heropend: Kassa print geen bon"
    assert headline in page.inner_text("#notifications")
    medewerker.shot("notifications-list.png")
    medewerker.submit(f"#notifications button:has-text('{headline}')")
    assert page.url.endswith(f"/console/tickets/{ticket.pk}/")
    main = page.inner_text("main")
    assert "In behandeling" in main and "Heropend door de reactie van de klant" in main
    assert "Vanochtend print hij weer niets." in main
    assert page.locator("#unread-count").count() == 0
