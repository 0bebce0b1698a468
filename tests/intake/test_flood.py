"""Floods hurt nobody (intake.flood): a flood from one address is held for an agent, never
dropped, so forged mail "from" a contact cannot silence them; a stranger is confirmed only a
few times per hour, and nobody gets thousands; a confirmation never quotes a long subject."""

import pytest

from meldpunt.intake.models import InboundMail, Mailbox, OutboundMail
from meldpunt.intake.services import discard, ingest, release
from meldpunt.tickets.models import Ticket, TicketEvent
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def jan():
    return f.mail_sender("medium", addons=["premium"])


def forged(n: int) -> bytes:
    return mail(message_id=f"<forged-{n}@attacker.test>", subject=f"Buy now {n}", body="spam spam")


def test_a_forged_flood_from_a_contact_holds_their_real_mail_for_an_agent_who_releases_it(jan, smtp_sink, settings,
                                                                                            client):
    settings.MELDPUNT_MAIL_THROTTLE_PER_HOUR = 3
    assert [ingest(forged(n)).outcome for n in range(5)] == ["created"] * 3 + ["held"] * 2
    real = ingest(mail(message_id="<real@devries.test>", subject="Orders komen niet binnen"))
    assert real.outcome == "held" and real.ticket is None  # not lost: held with the flood

    agent = f.staff_user()
    client.force_login(agent)
    page = client.get("/intake/held/").content.decode()
    assert "jan@devries.test" in page and "Orders komen niet binnen" in page and "Buy now 4" in page
    assert page.count('name="mail"') == 3

    kept = InboundMail.objects.get(key="<real@devries.test>")
    response = client.post("/intake/held/", {"action": "release", "mail": [kept.pk]}, follow=True)
    assert "1 mail(s) released." in response.content.decode()
    kept.refresh_from_db()
    ticket = Ticket.objects.get(pk=kept.ticket_id)
    assert kept.outcome == "created" and ticket.contact == jan and ticket.subject == "Orders komen niet binnen"
    assert kept.handled_by == agent and kept.handled_at is not None and "released by" in kept.reason
    assert release(kept.pk, agent=agent) is None  # once: it is no longer held
    assert Ticket.objects.filter(subject="Orders komen niet binnen").count() == 1
    assert any("Orders komen niet binnen" in m["Subject"] for m in smtp_sink.wait_for(4))  # confirmed now

    response = client.post("/intake/held/", {"action": "discard", "sender": "jan@devries.test"}, follow=True)
    assert "2 mail(s) discarded." in response.content.decode()
    assert InboundMail.objects.filter(outcome="discarded", handled_by=agent).count() == 2
    assert not InboundMail.objects.filter(outcome="held").exists() and Ticket.objects.count() == 4
    assert discard(kept.pk, agent=agent) is False
    page = client.get("/intake/held/").content.decode()
    assert "No mail is held." in page and "Recently released or discarded" in page


def test_the_held_page_is_for_staff_and_refuses_an_unknown_action(jan, client):
    customer = f.contact(jan.organisation)
    client.force_login(customer.user)
    assert client.get("/intake/held/").status_code == 302  # to the admin login
    client.force_login(f.staff_user())
    assert "Er wordt geen mail vastgehouden." in client.get("/intake/held/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert client.post("/intake/held/", {"action": "delete-everything"}).status_code == 400
    response = client.post("/intake/held/", {"action": "release"}, follow=True)
    assert "Select the mail first." in response.content.decode()


def test_a_stranger_is_confirmed_a_few_times_per_address_then_registered_without_confirmation(smtp_sink, settings):
    f.catalogs()
    settings.MELDPUNT_CONFIRM_UNKNOWN_PER_ADDRESS = 2
    results = [ingest(mail(sender="victim@elsewhere.test", message_id=f"<s-{n}@x.test>", subject=f"Hi {n}"))
               for n in range(4)]
    assert [r.outcome for r in results] == ["created"] * 4 and len({r.ticket for r in results}) == 4
    assert OutboundMail.objects.filter(kind="confirmation").count() == 2
    reasons = [InboundMail.objects.get(ticket_id=r.ticket).reason for r in results]  # after the follow-up
    assert "not confirmed" not in reasons[1]
    assert reasons[2] == ("unknown sender victim@elsewhere.test: in the triage queue; "
                          "not confirmed: 2 confirmations to victim@elsewhere.test in the last hour already")
    event = TicketEvent.objects.get(ticket_id=results[3].ticket, kind="confirmation_withheld")
    assert event.data["to"] == "victim@elsewhere.test"
    assert len(smtp_sink.wait_for(3, timeout=0.5)) == 2


def test_confirmations_to_strangers_are_limited_overall_but_contacts_are_always_confirmed(jan, smtp_sink, settings):
    settings.MELDPUNT_CONFIRM_UNKNOWN_PER_HOUR = 3
    results = [ingest(mail(sender=f"person{n}@many.test", message_id=f"<m-{n}@many.test>")) for n in range(5)]
    reasons = [InboundMail.objects.get(ticket_id=r.ticket).reason for r in results]  # after the follow-up
    assert [("not confirmed" in reason) for reason in reasons] == [False, False, False, True, True]
    assert "3 confirmations to unknown senders in the last hour already" in reasons[4]
    assert ingest(mail(message_id="<jan-1@devries.test>")).outcome == "created"
    assert OutboundMail.objects.filter(kind="confirmation").count() == 4
    assert OutboundMail.objects.filter(kind="confirmation", to="jan@devries.test").exists()


def test_a_confirmation_quotes_at_most_80_characters_of_the_subject(jan, smtp_sink):
    long_subject = "Storing " + "x" * 250
    result = ingest(mail(subject=long_subject))
    [sent] = smtp_sink.wait_for(1)
    assert long_subject not in sent.get_content() and "Storing xxx" in sent.get_content()
    assert len(sent["Subject"]) < 140 and Ticket.objects.get(pk=result.ticket).subject == long_subject


def test_the_admin_shows_held_mail_and_the_mailboxes_errors(jan, smtp_sink, settings, client):
    settings.MELDPUNT_MAIL_THROTTLE_PER_HOUR = 1
    box = Mailbox.objects.create(vendor="erpm", name="support", host="imap.test", username="u", password="p",
                                 reply_address="s@vendor.test", last_error="IMAP down")
    ingest(forged(1), mailbox=box)
    ingest(forged(2), mailbox=box)
    ingest(b"\x00 not a mail", mailbox=box)
    admin = f.staff_user()
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get("/admin/intake/mailbox/").content.decode()
    assert "IMAP down" in page and "last error at" in page.lower()
    assert f"?outcome__exact=quarantined&amp;mailbox__id__exact={box.pk}" in page
    assert f"?outcome__exact=held&amp;mailbox__id__exact={box.pk}" in page
    held = InboundMail.objects.get(outcome="held")
    response = client.post("/admin/intake/inboundmail/", {"action": "release_held", "_selected_action": [held.pk]},
                           follow=True)
    assert "1 held mail(s) handled." in response.content.decode()
    held.refresh_from_db()
    assert held.outcome == "created" and held.handled_by == admin
