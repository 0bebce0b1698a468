"""Mail that reached an employee, and phone calls and chats logged by agents."""

import pytest

from meldpunt.intake.contact_log import channel_states, channels_open, log_contact
from meldpunt.intake.services import register_forward
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.services import TicketError
from tests.support import factories as f
from tests.support.samples import forwarded, mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def jan():
    return f.mail_sender()


def test_forwarded_mail_is_registered_as_the_customers_request_and_confirmed(jan, smtp_sink):
    result = register_forward(forwarded(mail()), agent=f.staff_user())
    ticket = Ticket.objects.get(pk=result.ticket)
    assert result.outcome == "created" and ticket.contact == jan
    assert ticket.received_at == f.ams(2026, 11, 27, 10, 0)  # the original Date, not the forward's
    assert ticket.description.startswith("Sinds vanochtend")
    [confirmation] = smtp_sink.wait_for(1)
    assert confirmation["To"] == "jan@devries.test"
    again = register_forward(forwarded(mail()), agent=f.staff_user())
    assert again.ticket == ticket.pk and again.duplicate


def test_pasted_original_is_registered_too(jan, smtp_sink):
    result = register_forward(mail(message_id="<pasted@devries.test>"), agent=f.staff_user())
    assert result.outcome == "created" and Ticket.objects.get(pk=result.ticket).contact == jan


def test_phone_and_chat_are_offered_only_when_granted_and_within_hours(jan):
    erpm = jan.organisation.agreements.get()
    assert channels_open(erpm, f.ams(2026, 12, 1, 10, 0)) == {"phone": True, "chat": False, "emergency": False}
    assert channels_open(erpm, f.ams(2026, 12, 1, 18, 0)) == {"phone": False, "chat": False, "emergency": False}
    assert channels_open(erpm, f.ams(2026, 12, 25, 10, 0)) == {"phone": False, "chat": False, "emergency": False}
    invantive = f.agreement(jan.organisation, "invantive", "subscription")
    assert channels_open(invantive, f.ams(2026, 12, 1, 10, 0)) == {"phone": True, "chat": True, "emergency": False}


def test_erpm_premium_emergency_line_is_open_from_six_to_eleven_on_workdays(jan):
    """Seed 004, PrioritySupport Premium: "noodnummer voor incidenten", "incidenten meldingen 06:00-23:00"."""
    premium = f.agreement(jan.organisation, "erpm", "small", addons=["premium"])
    assert channel_states(premium, f.ams(2026, 12, 1, 7, 0))["emergency"].open_for_all  # Tuesday 07:00
    assert channels_open(premium, f.ams(2026, 12, 1, 22, 0)) == {"phone": False, "chat": False, "emergency": True}
    assert not channel_states(premium, f.ams(2026, 12, 1, 23, 30))["emergency"].open
    assert not channel_states(premium, f.ams(2026, 12, 5, 10, 0))["emergency"].open  # Saturday
    plain = jan.organisation.agreements.get(addons__isnull=True)
    assert not channel_states(plain, f.ams(2026, 12, 1, 10, 0))["emergency"].granted


def test_infor_premium_phone_is_open_at_night_for_critical_issues_only(jan):
    """Seed 003: "Tijdens de dekkingstijden van uw supportpakket kunt u telefonisch contact opnemen";
    Premium: "Ondersteuning bij problemen met de hoogste urgentie—24 uur per dag, 7 dagen per week"."""
    premium = f.agreement(jan.organisation, "infor", "xtreme-premium")
    saturday_night = channel_states(premium, f.ams(2026, 12, 5, 3, 0))["phone"]
    assert saturday_night.open and not saturday_night.open_for_all
    assert [sorted(h.priorities or ()) for h in saturday_night.only] == [["critical"]]
    assert channel_states(premium, f.ams(2026, 12, 1, 10, 0))["phone"].open_for_all
    xtreme = f.agreement(jan.organisation, "infor", "xtreme")
    assert not channel_states(xtreme, f.ams(2026, 12, 5, 3, 0))["phone"].open  # 24 hours per workday only
    assert channel_states(xtreme, f.ams(2026, 12, 1, 3, 0))["phone"].only


def test_an_emergency_call_is_registered_only_as_an_incident_on_an_agreement_with_the_line(jan):
    """Seed 004: "noodnummer voor incidenten" (Premium); the packages: "geen noodnummer"."""
    agent = f.staff_user()
    premium = f.agreement(jan.organisation, "erpm", "small", addons=["premium"])
    ticket = log_contact(channel="emergency", agent=agent, contact=jan, agreement=premium,
                         summary="Orderverwerking ligt plat", at=f.ams(2026, 12, 1, 22, 0))
    assert ticket.channel == "emergency" and ticket.kind == "incident"
    with pytest.raises(TicketError, match="only incident"):
        log_contact(channel="emergency", agent=agent, contact=jan, agreement=premium, kind="question",
                    summary="Hoe werkt de export?")
    plain = jan.organisation.agreements.get(addons__isnull=True)
    with pytest.raises(TicketError, match="Emergency number for incidents"):
        log_contact(channel="emergency", agent=agent, contact=jan, agreement=plain, summary="Alles ligt plat")
    with pytest.raises(TicketError, match="needs the agreement"):
        log_contact(channel="emergency", agent=agent, contact=jan, summary="Alles ligt plat")


def test_a_logged_call_becomes_a_ticket_and_a_second_call_is_added_to_it(jan):
    agent = f.staff_user()
    ticket = log_contact(channel="phone", agent=agent, contact=jan, agreement=jan.organisation.agreements.get(),
                         summary="Orders blijven hangen\nSinds 07:00 geen orders.", at=f.ams(2026, 12, 1, 10, 0))
    assert ticket.channel == "phone" and ticket.subject == "Orders blijven hangen"
    log_contact(channel="phone", agent=agent, ticket=ticket, summary="Teruggebeld: herstart werkt.", at=f.ams(2026, 12, 1, 11, 0))
    assert ticket.messages.filter(channel="phone", public=True).count() == 1
    assert ticket.clocks.get(metric="response").stopped_at is not None
    with pytest.raises(TicketError):
        log_contact(channel="fax", agent=agent, contact=jan, summary="x")


def test_agent_pages_register_a_pasted_mail_and_log_a_call(client, jan, smtp_sink):
    agent = f.staff_user()
    client.force_login(agent)
    pasted = mail(message_id="<paste-2@devries.test>").decode()
    response = client.post("/intake/forward/", {"pasted": pasted})
    assert response.status_code == 200 and "created" in response.content.decode()
    assert Ticket.objects.filter(contact=jan).count() == 1
    response = client.post("/intake/log/", {"channel": "phone", "contact": jan.pk, "summary": "Belde over factuur"})
    assert response.status_code == 302
    assert Ticket.objects.filter(channel="phone", contact=jan).exists()
    assert client.post("/intake/log/", {"channel": "phone", "contact": jan.pk, "summary": "x", "ticket": 999999}).status_code == 200


def test_customers_cannot_use_the_agent_pages(client, jan):
    customer = f.contact(jan.organisation, username="klant")
    client.force_login(customer.user)
    assert client.get("/intake/forward/").status_code == 302
    assert client.post("/intake/log/", {"channel": "phone", "contact": jan.pk, "summary": "x"}).status_code == 302
    assert not Ticket.objects.exists()


def test_a_deactivated_contact_is_not_offered_for_a_logged_call(client, jan):
    """Issue 21: a contact whose login the coordinator deactivated was still offered in "Log a call"."""
    gone = f.contact(jan.organisation, username="vertrokken")
    gone.user.is_active = False
    gone.user.save(update_fields=["is_active"])
    client.force_login(f.staff_user())
    page = client.get("/intake/log/").content.decode()
    contacts = page.split('name="contact"', 1)[1].split("</select>", 1)[0]  # the contact list, not other selects
    assert f'value="{jan.pk}"' in contacts and f'value="{gone.pk}"' not in contacts
    refused = client.post("/intake/log/", {"channel": "phone", "contact": gone.pk, "summary": "x"})
    assert refused.status_code == 200 and not Ticket.objects.filter(contact=gone).exists()
