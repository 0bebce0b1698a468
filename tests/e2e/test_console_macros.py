"""The desk's parts of the console ticket page in a real browser: a reply template is inserted
with htmx into the reply box in the customer's language, and the timer keeps running across
a reload and fills the booking form when it stops."""

from __future__ import annotations

import pytest
from django.utils import timezone

from meldpunt.billing.models import TimeEntry
from meldpunt.desk.services import save_macro
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_insert_a_macro_and_book_the_timers_minutes(session):
    org = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(org, username="jan", language="nl")
    agreement = f.agreement(org, "erpm", "medium", coordinator=jan)
    agent = f.staff_user("agent")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=jan, subject="Orders komen niet binnen",
                                         impact="organisation", urgency="high", received_at=timezone.now()))
    save_macro(actor=agent, name="Vraag om schermafdruk", set_status="waiting_customer",
               body_nl="Beste {customer_name}, wilt u een schermafdruk sturen van melding {ticket}?",
               body_en="Dear {customer_name}, could you send a screenshot of request {ticket}?")
    save_macro(actor=agent, name="Interne check", internal_note=True, body_en="Checked by {agent_name}.")

    s = session(locale="en-GB")
    s.login("agent", "pw-agent-123")
    s.go(f"/console/tickets/{ticket.pk}/")
    page = s.page
    page.fill("#id_body", "Hallo,")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("m")  # the shortcut focuses the picker
    assert page.evaluate("document.activeElement.id") == "macro-select"
    page.select_option("#macro-select", label="Vraag om schermafdruk → Waiting on customer")
    page.click("#macro-picker button[type=submit]")
    page.wait_for_function("() => document.getElementById('id_body').value.includes('schermafdruk')")
    text = f"Hallo,\n\nBeste Jan, wilt u een schermafdruk sturen van melding #{ticket.pk}?"
    assert page.input_value("#id_body") == text
    assert page.input_value("#id_then_status") == "waiting_customer"
    assert page.is_checked("#id_visibility_0")  # a reply to the customer
    page.select_option("#macro-select", label="Interne check (internal note)")
    page.click("#macro-picker button[type=submit]")
    page.wait_for_function("() => document.getElementById('id_body').value.includes('Checked by')")
    assert page.input_value("#id_body") == text + "\n\nChecked by agent."  # its only text, English
    assert page.is_checked("#id_visibility_1")  # the template is an internal note
    assert page.input_value("#id_then_status") == "waiting_customer"  # a template without status leaves it

    page.click("#time-panel [data-timer]")
    page.wait_for_function("() => document.getElementById('timer-shown').textContent.length > 0")
    s.go(f"/console/tickets/{ticket.pk}/")  # a reload keeps the timer running
    page.wait_for_function("() => document.getElementById('timer-shown').textContent.length > 0")
    page.click("#time-panel [data-timer]")
    assert page.input_value("#id_time-minutes") == "1"
    assert page.input_value("#id_time-started_at")
    page.click("#time-panel button[type=submit]")
    page.wait_for_selector("#time-panel [role=status]")
    assert TimeEntry.objects.get(ticket=ticket).minutes == 1
