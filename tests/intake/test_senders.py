"""Who mail is from and who may write into a request (issue 16): an address that more than
one contact has names no organisation; a reply is added to a request only for someone who
may see it in the portal (or the reporter of an unknown sender's request); anyone else
starts a new request. A reply by mail has its writer as author and the portal shows it."""

import pytest

from meldpunt.contracts.models import Contact
from meldpunt.intake.bulk import ingest_many
from meldpunt.intake.models import InboundMail
from meldpunt.intake.services import ingest
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def northwind():
    """Northwind: a coordinator and two plain contacts with logins, and Piet, who only mails."""
    org = f.organisation("Northwind", language="en")
    coord = f.contact(org, username="coord")
    agreement = f.agreement(org, "erpm", "medium", addons=["premium"], coordinator=coord)
    piet = Contact.objects.create(organisation=org, name="Piet", email="piet@northwind.test", language="en")
    return {"org": org, "agreement": agreement, "coord": coord, "plain": f.contact(org, coordinator=False, username="plain"),
            "other": f.contact(org, coordinator=False, username="other"), "piet": piet}


def _from(contact, n: int, subject: str = "Orders are not coming in", body: str = "No orders since this morning."):
    return mail(sender=f"{contact.name} <{contact.email.upper()}>", subject=subject, body=body,
                message_id=f"<{contact.pk}-{n}@northwind.test>")


def _request(contact, n: int = 1) -> Ticket:
    result = ingest(_from(contact, n))
    assert result.outcome == "created"
    return Ticket.objects.get(pk=result.ticket)


def _reply(contact, ticket: Ticket, n: int, body: str = "Here is the log you asked for."):
    return ingest(_from(contact, n, subject=f"Re: [#{ticket.pk}] {ticket.subject}", body=body))


def test_an_address_two_contacts_share_goes_to_triage_as_an_unknown_sender(northwind):
    """As the migration leaves a shared address: the second contact is marked, and mail from
    the address belongs to neither organisation, in the one-by-one and the batch path."""
    rival = f.organisation("Rival BV")
    twin = Contact.objects.create(organisation=rival, name="Twin", email="twin@rival.test")
    Contact.objects.filter(pk=twin.pk).update(email="Piet@Northwind.test", duplicate_address=True)
    result = ingest(mail(sender="Piet <piet@northwind.test>", message_id="<amb-1@x.test>"))
    ticket = Ticket.objects.get(pk=result.ticket)
    assert result.outcome == "created" and ticket.organisation is None and ticket.contact is None
    assert result.reason == "ambiguous sender piet@northwind.test: the address belongs to more than one contact; in the triage queue"
    [batched] = ingest_many([(mail(sender="PIET@northwind.test", message_id="<amb-2@x.test>"), "imap", None)])
    assert batched.outcome == "created" and "ambiguous sender" in batched.reason
    assert Ticket.objects.get(pk=batched.ticket).organisation is None
    # Nor does the address write into the requests of the organisation it once named.
    own, _ = create_ticket(NewRequest(organisation=northwind["org"], agreement=northwind["agreement"], contact=northwind["piet"],
                                      subject="Earlier"))
    answer = ingest(mail(sender="piet@northwind.test", subject=f"Re: [#{own.pk}] Earlier", message_id="<amb-3@x.test>"))
    assert answer.outcome == "created" and answer.ticket != own.pk
    assert answer.reason.endswith(f"; not allowed to write into #{own.pk}")
    assert not own.messages.exists()


def test_a_plain_contact_who_may_not_see_a_request_starts_a_new_one(northwind):
    coordinators = _request(northwind["coord"])
    result = _reply(northwind["plain"], coordinators, 2)
    assert result.outcome == "created" and result.ticket != coordinators.pk
    assert result.reason == f"new request from Plain (Northwind); not allowed to write into #{coordinators.pk}"
    new = Ticket.objects.get(pk=result.ticket)
    assert new.contact == northwind["plain"] and new.organisation == northwind["org"]
    assert not coordinators.messages.filter(from_customer=True).exists()
    assert InboundMail.objects.get(ticket=new).outcome == "created"


def test_the_coordinator_and_the_requests_own_contact_write_into_it(northwind):
    plains = _request(northwind["plain"])
    mine = _reply(northwind["plain"], plains, 2, "From me")
    theirs = _reply(northwind["coord"], plains, 3, "From the coordinator")
    assert (mine.outcome, mine.ticket, theirs.outcome, theirs.ticket) == ("appended", plains.pk, "appended", plains.pk)
    authors = dict(plains.messages.filter(from_customer=True).values_list("body", "author"))
    assert authors == {"From me": northwind["plain"].user.pk, "From the coordinator": northwind["coord"].user.pk}
    # Another plain contact of the organisation does not see it, so does not write into it.
    assert _reply(northwind["other"], plains, 4).outcome == "created"
    # A contact whose login was taken away sees nothing any more.
    user = northwind["plain"].user
    user.is_active = False
    user.save()
    assert _reply(northwind["plain"], plains, 5).outcome == "created"


def test_the_reporter_of_an_unknown_senders_request_answers_it_and_nobody_else(northwind):
    first = ingest(mail(sender="Nieuw <Nieuw@Prospect.test>", message_id="<u-1@prospect.test>"))
    ticket = Ticket.objects.get(pk=first.ticket)
    answer = ingest(mail(sender="nieuw@prospect.test", subject=f"Re: [#{ticket.pk}] x", message_id="<u-2@prospect.test>",
                         body="Nog een detail"))
    assert answer.outcome == "appended" and ticket.messages.get(from_customer=True).author is None
    stranger = ingest(mail(sender="ander@prospect.test", subject=f"Re: [#{ticket.pk}] x", message_id="<u-3@prospect.test>"))
    assert stranger.outcome == "created" and stranger.reason.endswith(f"not allowed to write into #{ticket.pk}")
    # A contact (even a coordinator) sees nothing of a request outside their organisation.
    assert _reply(northwind["coord"], ticket, 9).outcome == "created"


def test_the_portal_page_of_a_request_answered_by_mail_renders(client, northwind):
    """The customer's own mail reply (author: their login) and a reply of a contact without a
    login (no author) both show in the portal and the console."""
    piets = _request(northwind["piet"])
    assert _reply(northwind["piet"], piets, 2, "Reply from Piet by mail").outcome == "appended"
    assert _reply(northwind["coord"], piets, 3, "Reply from the coordinator by mail").outcome == "appended"
    client.force_login(northwind["coord"].user)
    page = client.get(f"/portal/requests/{piets.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Reply from Piet by mail" in html and "Reply from the coordinator by mail" in html
    assert "Coord" in html  # the coordinator's reply is shown with their name
    client.force_login(f.staff_user())
    assert client.get(f"/console/tickets/{piets.pk}/").status_code == 200
