"""Reply templates (macros): managed by vendor staff, inserted into the reply box in the
customer's language with the placeholders filled, and applied through the ticket services."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from meldpunt.desk.macros import fill, fill_macro
from meldpunt.desk.models import Macro
from meldpunt.desk.services import DeskError, save_macro
from meldpunt.tickets.models import Clock, TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client, desk):
    desk["staff"].first_name, desk["staff"].last_name = "Anna", "de Vries"
    desk["staff"].save()
    client.force_login(desk["staff"])
    return client


def _ticket(desk, contact_language="nl", **extra):
    contact = f.contact(desk["org_a"], language=contact_language)
    ticket, _ = create_ticket(NewRequest(
        organisation=desk["org_a"], agreement=desk["agr_a"], contact=contact, subject="Invoice run fails",
        impact="organisation", urgency="high", received_at=timezone.now() - timedelta(minutes=5), **extra,
    ))
    return ticket


def _macro(desk, **extra):
    fields = {
        "name": "Ask for a screenshot",
        "body_nl": "Beste {customer_name},\n\nMelding {ticket} van {organisation}: we reageren vóór {due_response}. "
                   "Oplossing vóór {due_resolution}. {unknown} blijft staan.\n\nGroet, {agent_name}",
        "body_en": "Dear {customer_name},\n\nRequest {ticket} of {organisation}: we respond before {due_response}. "
                   "Resolved before {due_resolution}. {unknown} stays.\n\nRegards, {agent_name}",
    }
    return save_macro(actor=desk["staff"], **{**fields, **extra})


def test_fill_leaves_unknown_and_malformed_placeholders_as_written():
    values = {"ticket": "#7", "agent_name": "Anna"}
    assert fill("{ticket} by {agent_name}", values) == "#7 by Anna"
    assert fill("{nope} {0} {ticket.__class__} {ticket!r} {ticket:>9} { x } {", values) == \
        "{nope} {0} {ticket.__class__} {ticket!r} {ticket:>9} { x } {"
    assert fill("{{ticket}} }{ {{", values) == "{ticket} }{ {"
    assert fill("value with {braces}", {"braces": "{ticket}"}) == "value with {ticket}"


def test_a_macro_is_filled_in_dutch_for_a_dutch_customer(agent, desk):
    ticket = _ticket(desk, "nl")
    macro = _macro(desk)
    filled = fill_macro(macro, ticket, desk["staff"])
    due = Clock.objects.get(ticket=ticket, metric="response").due_at
    assert filled.language == "nl"
    assert filled.body.startswith(f"Beste {ticket.contact.name},")
    assert f"Melding #{ticket.pk} van Alpha BV" in filled.body
    assert "{unknown} blijft staan" in filled.body
    assert filled.body.endswith("Groet, Anna de Vries")
    local = timezone.localtime(due)
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
              "oktober", "november", "december"]
    assert f"{local.day} {months[local.month - 1]} {local.year} {local:%H:%M}" in filled.body


def test_a_macro_is_filled_in_english_for_an_english_customer_whatever_the_agents_language(agent, desk):
    ticket = _ticket(desk, "en")
    ticket.language = "nl"  # the contact's language wins, as for mails (intake.outbox)
    ticket.save()
    filled = fill_macro(_macro(desk), ticket, desk["staff"])
    due = timezone.localtime(Clock.objects.get(ticket=ticket, metric="resolution").due_at)
    assert filled.language == "en"
    assert filled.body.startswith("Dear ")
    assert f"Resolved before {due:%A} {due.day} {due:%B} {due.year} {due:%H:%M}." in filled.body


def test_with_only_one_text_that_one_is_used_and_a_missing_deadline_is_said(agent, desk):
    ticket = _ticket(desk, "en")
    Clock.objects.filter(ticket=ticket).update(due_at=None, state="planning")
    macro = save_macro(actor=desk["staff"], name="NL only", body_nl="Gepland: {due_resolution}")
    assert fill_macro(macro, ticket, desk["staff"]).body == "Gepland: in overleg met planning"


def test_the_picker_inserts_after_the_typed_text_and_sets_status_and_note(agent, desk):
    ticket = _ticket(desk, "nl")
    macro = _macro(desk, set_status="waiting_customer", internal_note=True)
    html = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert 'id="macro-select"' in html and macro.name in html
    assert 'hx-post="/console/tickets/' in html and "X-CSRFToken" in html
    response = agent.post(f"/console/tickets/{ticket.pk}/macro/", {"macro": macro.pk, "body": "Hallo,"},
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<textarea name="body"' in html and 'id="id_body"' in html
    assert "Hallo,\n\nBeste " in html
    assert 'value="waiting_customer" selected' in html and 'hx-swap-oob="true"' in html
    assert 'value="note"' in html and "checked" in html.split('value="note"')[1].split(">")[0]


def test_a_macro_without_status_leaves_the_status_select_alone(agent, desk):
    ticket = _ticket(desk)
    macro = _macro(desk)
    html = agent.post(f"/console/tickets/{ticket.pk}/macro/", {"macro": macro.pk, "body": "x" * 30000},
                      HTTP_HX_REQUEST="true").content.decode()
    assert "then_status" not in html
    assert "x" * 20000 + "\n\n" in html and "x" * 20001 not in html  # a long text is cut at the form's limit


def test_without_javascript_the_ticket_page_shows_the_filled_reply_box(agent, desk):
    ticket = _ticket(desk, "en")
    macro = _macro(desk, set_status="waiting_customer")
    response = agent.get(f"/console/tickets/{ticket.pk}/macro/", {"macro": macro.pk})
    assert response.status_code == 302 and f"?macro={macro.pk}" in response["Location"]
    html = agent.get(f"/console/tickets/{ticket.pk}/", {"macro": macro.pk}).content.decode()
    assert "Dear " in html and 'value="waiting_customer" selected' in html
    # a bad template id is ignored, as every bad query parameter is
    assert agent.get(f"/console/tickets/{ticket.pk}/", {"macro": "junk"}).status_code == 200
    assert agent.get(f"/console/tickets/{ticket.pk}/", {"macro": "99999999"}).status_code == 200


def test_applying_a_macro_with_a_status_goes_through_the_services(agent, desk):
    """The filled reply box is sent with the console's reply action: add_message and
    change_status in one transaction, so the events and the clocks are right."""
    ticket = _ticket(desk, "nl")
    macro = _macro(desk, set_status="waiting_customer")
    form = agent.get(f"/console/tickets/{ticket.pk}/", {"macro": macro.pk}).context["reply_form"]
    data = {name: form[name].value() for name in ("version", "body", "visibility", "then_status")}
    response = agent.post(f"/console/tickets/{ticket.pk}/reply/", data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"
    status_event = TicketEvent.objects.get(ticket=ticket, kind="status")
    assert status_event.data["new"] == "waiting_customer" and status_event.actor == desk["staff"]
    assert TicketEvent.objects.filter(ticket=ticket, kind="reply").exists()
    message = ticket.messages.get()
    assert message.public and message.body.startswith("Beste ")
    resolution = Clock.objects.get(ticket=ticket, metric="resolution")
    assert resolution.pauses and resolution.pauses[-1][1] is None  # the resolution clock is paused
    assert Clock.objects.get(ticket=ticket, metric="response").stopped_at is not None


def test_staff_manage_templates_and_bad_input_gets_a_clear_error(agent, desk):
    response = agent.post("/console/macros/new/", {"name": "Thanks", "body_en": "Thanks, {customer_name}!",
                                                   "set_status": "resolved"})
    assert response.status_code == 302
    macro = Macro.objects.get(name="Thanks")
    assert (macro.set_status, macro.created_by) == ("resolved", desk["staff"])
    assert "Thanks" in agent.get("/console/macros/").content.decode()
    response = agent.post(f"/console/macros/{macro.pk}/", {"name": "Thank you", "body_nl": "Dank u wel!", "body_en": "",
                                                            "internal_note": "on"})
    assert response.status_code == 302
    macro.refresh_from_db()
    assert (macro.name, macro.body_en, macro.internal_note, macro.set_status) == ("Thank you", "", True, "")
    for data, message in [
        ({"name": "Empty", "body_nl": " ", "body_en": ""}, "Write the text in Dutch, in English or in both."),
        ({"name": "thank YOU", "body_en": "x"}, "There is already a template called"),
        ({"name": "y" * 61, "body_en": "x"}, "at most 60 characters"),
        ({"name": "Bad", "body_en": "x", "set_status": "nonsense"}, "Select a valid choice"),
    ]:
        response = agent.post("/console/macros/new/", data)
        assert response.status_code == 400, data
        assert message in response.content.decode()
    assert agent.post(f"/console/macros/{macro.pk}/delete/").status_code == 302
    assert not Macro.objects.exists()
    assert agent.get("/console/macros/123456/").status_code == 404


def test_the_service_refuses_a_template_without_text(desk):
    with pytest.raises(DeskError):
        save_macro(actor=desk["staff"], name="Nothing", body_nl="", body_en="  ")


def test_customers_never_reach_templates(client, desk):
    ticket = _ticket(desk)
    macro = _macro(desk)
    client.force_login(desk["a_coord"].user)
    for url in ["/console/macros/", "/console/macros/new/", f"/console/macros/{macro.pk}/",
                f"/console/tickets/{ticket.pk}/macro/?macro={macro.pk}"]:
        for method in (client.get, client.post):
            response = method(url, HTTP_HX_REQUEST="true")
            assert response.status_code == 404, url
            assert b"Beste" not in response.content
    assert client.post(f"/console/macros/{macro.pk}/delete/").status_code == 404
    assert client.post("/console/macros/new/", {"name": "x", "body_en": "y"}).status_code == 404
    assert Macro.objects.count() == 1


def test_an_unknown_template_or_ticket_answers_404_to_htmx(agent, desk):
    ticket = _ticket(desk)
    assert agent.post(f"/console/tickets/{ticket.pk}/macro/", {"macro": "x"}, HTTP_HX_REQUEST="true").status_code == 404
    macro = _macro(desk)
    assert agent.post("/console/tickets/99999999/macro/", {"macro": macro.pk}, HTTP_HX_REQUEST="true").status_code == 404
    assert agent.get(f"/console/tickets/{ticket.pk}/macro/", {"macro": macro.pk}, HTTP_HX_REQUEST="true").status_code == 200


def test_the_admin_lists_templates_and_views(client, desk):
    admin = get_user_model().objects.create_superuser("boss", "boss@vendor.test", "pw-boss-123")
    client.force_login(admin)
    _macro(desk)
    for url in ("/admin/desk/macro/", "/admin/desk/macro/add/", "/admin/desk/savedview/"):
        assert client.get(url).status_code == 200, url
