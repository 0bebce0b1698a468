"""Agent notifications (issue 19 item 4): assignment, a customer's reply, a mention in an
internal note and SLA warnings, in the app and by mail through the one outbox, as each agent
chose on the settings page, in the agent's language."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from meldpunt.escalation.services import scan_alerts
from meldpunt.intake.models import OutboundMail
from meldpunt.notifications.models import Notification
from meldpunt.notifications.selectors import headline, unread_count
from meldpunt.notifications.services import mentioned_names, save_settings
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.replies import customer_reply
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, assign_ticket, change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _ticket(desk, **extra):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"],
                                         subject="Orders blijven hangen", impact="organisation", urgency="high",
                                         **extra))
    return ticket


def _notes(user, kind=None):
    rows = Notification.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


def _mails(user):
    return list(OutboundMail.objects.filter(user=user, kind="agent_notice"))


def test_assignment_tells_the_assignee_in_the_app_and_by_mail(desk):
    lead, agent = desk["staff"], f.staff_user("bram")
    ticket = _ticket(desk)
    assign_ticket(ticket, agent, actor=lead)
    [note] = _notes(agent, "assigned")
    assert note.actor == lead and note.read_at is None and unread_count(agent) == 1
    assert headline(note) == f"Request #{ticket.pk} is assigned to you: Orders blijven hangen"
    [mail] = _mails(agent)
    assert mail.to == agent.email and mail.subject == headline(note)
    assert f"/console/tickets/{ticket.pk}/" in mail.body and "/notifications/settings/" in mail.body


def test_taking_a_request_yourself_tells_nobody(desk):
    agent = desk["staff"]
    assign_ticket(_ticket(desk), agent, actor=agent)
    assert _notes(agent) == [] and _mails(agent) == []


def test_mail_is_in_the_agents_language(desk):
    agent = f.staff_user("sanne")
    save_settings(agent, in_app=["assigned"], by_mail=["assigned"], language="nl")
    ticket = _ticket(desk)
    assign_ticket(ticket, agent, actor=desk["staff"])
    [mail] = _mails(agent)
    assert mail.language == "nl"
    assert mail.subject == f"Verzoek #{ticket.pk} is aan u toegewezen: Orders blijven hangen"
    assert "Kies welke meldingen u ontvangt" in mail.body


def test_settings_choose_app_and_mail_per_event(desk):
    agent = f.staff_user("ruud")
    save_settings(agent, in_app=[], by_mail=["assigned"], language="en")
    assign_ticket(_ticket(desk), agent, actor=desk["staff"])
    assert _notes(agent) == [] and len(_mails(agent)) == 1
    save_settings(agent, in_app=["assigned"], by_mail=[], language="en")
    assign_ticket(_ticket(desk), agent, actor=desk["staff"])
    assert len(_notes(agent)) == 1 and len(_mails(agent)) == 1


def test_a_customer_reply_tells_the_assignee_and_says_when_it_reopened(desk):
    agent = f.staff_user("joost")
    ticket = _ticket(desk)
    assign_ticket(ticket, agent)  # by the system: told
    customer_reply(ticket, "Het gebeurt weer bij order 42.", author=desk["a_coord"].user)
    reply = _notes(agent, "customer_reply")[0]
    assert reply.text == "Het gebeurt weer bij order 42." and "The customer replied" in headline(reply)
    change_status(ticket, "resolved", actor=agent)
    customer_reply(ticket, "Toch niet opgelost.", author=desk["a_coord"].user)
    reopened = _notes(agent, "customer_reply")[0]
    assert reopened.data == {"reopened": True} and "reopened request" in headline(reopened)
    assert unread_count(agent) == 3


def test_a_reply_to_a_closed_request_tells_the_old_assignee_of_the_new_one(desk):
    agent = f.staff_user("wim")
    ticket = _ticket(desk)
    assign_ticket(ticket, agent)
    change_status(ticket, "closed", actor=agent)
    new = customer_reply(ticket, "Nieuwe vraag hierover.", author=desk["a_coord"].user).ticket
    note = _notes(agent, "customer_reply")[0]
    assert note.ticket_id == new.pk and note.data == {"previous": ticket.pk}
    assert headline(note).startswith(f"The customer's reply to request #{ticket.pk} started a new request #{new.pk}")


def test_a_mention_in_an_internal_note_tells_that_agent(desk):
    author, mentioned, other = desk["staff"], f.staff_user("petra.v"), f.staff_user("karel")
    ticket = _ticket(desk)
    add_message(ticket, "@Petra.V kun jij dit oppakken? Mail jan@karel.nl", author=author, public=False)
    [note] = _notes(mentioned, "mention")
    assert note.actor == author and headline(note).startswith(f"{author.get_username()} mentioned you on request #")
    assert _notes(other) == []  # an address is no mention
    add_message(ticket, "Beste klant, @petra.v kijkt ernaar.", author=author, public=True)  # public: no mention
    add_message(ticket, f"@{author.get_username()} zelf", author=author, public=False)  # yourself: nobody
    assert len(_notes(mentioned)) == 1 and _notes(author) == []


def test_mentions_are_usernames_not_addresses():
    assert mentioned_names("@anna en @bob.k. Zie ook info@erpm.nl en (@carl)") == ["anna", "bob.k", "carl"]


def test_sla_warnings_reach_the_agent_as_chosen(desk, settings):
    settings.MELDPUNT_SITE_URL = "https://desk.example.com"
    org = f.organisation("Northwind", language="en")
    emma = f.contact(org, username="emma")
    agreement = f.agreement(org, "erpm", "small", coordinator=emma, starts_on=date(2026, 1, 1))
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=emma, subject="Orders stuck",
                                         impact="organisation", urgency="high", received_at=f.ams(2026, 3, 12, 9, 0)))
    agent, quiet = f.staff_user("assignee"), f.staff_user("quiet")
    save_settings(quiet, in_app=[], by_mail=[], language="en")
    assign_ticket(ticket, agent)
    scan_alerts(now=f.ams(2026, 3, 12, 9, 0))
    scan_alerts(now=f.ams(2026, 3, 12, 10, 45))  # the response's 80 % point: the assignee is warned
    [note] = _notes(agent, "sla")
    assert note.ticket == ticket and f"#{ticket.pk}" in headline(note) and "warning point" in note.text
    [alert] = OutboundMail.objects.filter(user=agent, kind="staff_alert")
    assert f"https://desk.example.com/console/tickets/{ticket.pk}/" in alert.body  # a link that works from a mail
    # The same warning for an agent who turned SLA alerts off: recorded by escalation, not told.
    assign_ticket(ticket, quiet)
    scan_alerts(now=f.ams(2026, 3, 12, 11, 15))
    assert _notes(quiet, "sla") == [] and not OutboundMail.objects.filter(user=quiet, kind="staff_alert").exists()


@pytest.mark.django_db(transaction=True)
def test_the_mail_reaches_a_real_smtp_server(smtp_sink):
    org = f.organisation("Alpha BV")
    agreement = f.agreement(org, "erpm", "small")
    agent, lead = f.staff_user("mila"), f.staff_user("lead")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, subject="Factuur ontbreekt"))
    assign_ticket(ticket, agent, actor=lead)
    [sent] = [m for m in smtp_sink.wait_for(1) if m["To"] == agent.email]
    assert sent["Subject"] == f"Request #{ticket.pk} is assigned to you: Factuur ontbreekt"
    assert sent["Auto-Submitted"] == "auto-generated"
    assert OutboundMail.objects.get(user=agent, kind="agent_notice").sent_at is not None


# ------------------------------------------------------------------ pages
def test_badge_list_open_and_mark_read(desk):
    agent = f.staff_user("nina")
    first, second = _ticket(desk), _ticket(desk)
    assign_ticket(first, agent, actor=desk["staff"])
    assign_ticket(second, agent, actor=desk["staff"])
    client = Client()
    client.force_login(agent)
    home = client.get("/console/").content.decode()
    assert 'id="unread-count"' in home and ">2</span>" in home
    page = client.get("/notifications/")
    assert page.status_code == 200 and f"Request #{first.pk} is assigned to you" in page.content.decode()
    note = Notification.objects.get(user=agent, ticket=first)
    opened = client.post(f"/notifications/{note.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == f"/console/tickets/{first.pk}/"
    assert unread_count(agent) == 1
    assert client.get("/notifications/?show=unread").content.decode().count('class="card unread"') == 1
    client.post("/notifications/read/")
    assert unread_count(agent) == 0 and 'id="unread-count"' not in client.get("/console/").content.decode()


def test_notifications_are_private(desk):
    agent, other = f.staff_user("eva"), f.staff_user("otto")
    assign_ticket(_ticket(desk), agent, actor=desk["staff"])
    note = Notification.objects.get(user=agent)
    client = Client()
    client.force_login(other)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None
    customer = Client()
    customer.force_login(desk["a_coord"].user)
    assert customer.get("/notifications/").status_code == 404
    assert customer.get("/notifications/settings/").status_code == 404


def test_settings_page_saves_and_refuses_bad_input(desk):
    agent = f.staff_user("lotte")
    client = Client()
    client.force_login(agent)
    page = client.get("/notifications/settings/")
    assert page.status_code == 200 and 'value="mention"' in page.content.decode()
    saved = client.post("/notifications/settings/", {"in_app": ["assigned", "mention"], "by_mail": ["sla"],
                                                     "language": "nl"})
    assert saved.status_code == 302
    own = agent.notification_settings
    assert (own.in_app, own.by_mail, own.language) == (["assigned", "mention"], ["sla"], "nl")
    bad = client.post("/notifications/settings/", {"in_app": ["everything"], "language": "fr"})
    assert bad.status_code == 400
    assert client.get("/notifications/?page=abc").status_code == 200


def test_a_watcher_hears_of_customer_replies_and_can_stop(desk):
    watcher, assignee = f.staff_user("wout"), f.staff_user("anna")
    ticket = _ticket(desk)
    assign_ticket(ticket, assignee)
    client = Client()
    client.force_login(watcher)
    assert 'id="watch"' in client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert client.post(f"/notifications/watch/{ticket.pk}/", {"on": "1"}).status_code == 302
    customer_reply(ticket, "Nog een detail.", author=desk["a_coord"].user)
    assert len(_notes(watcher, "customer_reply")) == 1 and len(_notes(assignee, "customer_reply")) == 1
    assert "Stop watching" in client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    client.post(f"/notifications/watch/{ticket.pk}/", {"on": "0"})
    customer_reply(ticket, "En nog een.", author=desk["a_coord"].user)
    assert len(_notes(watcher, "customer_reply")) == 1 and len(_notes(assignee, "customer_reply")) == 2
    customer = Client()
    customer.force_login(desk["a_coord"].user)
    assert customer.post(f"/notifications/watch/{ticket.pk}/", {"on": "1"}).status_code == 404
