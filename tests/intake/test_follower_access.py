"""Issue 19: followers without an account are told to answer by mail, never to use the
portal; a follower who is a portal contact of the organisation sees the request there; a
follower from another organisation never does (404). Mail through a real SMTP sink."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from meldpunt.contracts.models import Contact
from meldpunt.intake import followers
from meldpunt.intake.services import ingest, keep_uploads
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.services import add_message
from tests.support import factories as f
from tests.support.desk_fixtures import Api
from tests.support.samples import mail

pytestmark = pytest.mark.django_db(transaction=True)
SITE = "https://desk.example.test"


@pytest.fixture
def northwind(settings):
    settings.MELDPUNT_SITE_URL = SITE
    org = f.organisation("Northwind", language="en")
    coord = f.contact(org, username="coord", language="en")
    f.agreement(org, "erpm", "small", coordinator=coord)
    anna = f.contact(org, coordinator=False, username="anna", language="en")
    bram = f.contact(org, coordinator=False, username="bram", language="en")  # follows nothing
    piet = Contact.objects.create(organisation=org, name="Piet", email="piet@northwind.test", language="en")
    eve = f.contact(f.organisation("Rival BV"), username="eve", language="en")
    result = ingest(mail(sender=coord.email, subject="Orders stuck", message_id="<n1@northwind.test>",
                         body="No orders since this morning.", headers={"Cc": f"{anna.email}, {piet.email}"}))
    ticket = Ticket.objects.get(pk=result.ticket)
    followers.add(ticket, eve.email, by=f.staff_user(), outside=True)  # an agent's deliberate choice
    return {"ticket": ticket, "coord": coord, "anna": anna, "bram": bram, "piet": piet, "eve": eve}


def _bodies(sent) -> dict[str, str]:
    return {m["To"]: m.get_body(("plain",)).get_content() for m in sent}


def test_a_follower_without_an_account_is_told_to_answer_by_mail_never_the_portal(northwind, smtp_sink, file_storage,
                                                                                    settings):
    ticket, anna, eve = northwind["ticket"], northwind["anna"], northwind["eve"]
    smtp_sink.wait_for(1)
    smtp_sink.messages.clear()
    add_message(ticket, "We restarted the connector.", author=f.staff_user())
    bodies = _bodies(smtp_sink.wait_for(4))
    link = f"{SITE}/portal/requests/{ticket.pk}/"
    assert set(bodies) == {northwind["coord"].email, anna.email, "piet@northwind.test", eve.email}
    for sees in (northwind["coord"].email, anna.email):  # contacts with a login who see it in the portal
        assert link in bodies[sees] and "portal" in bodies[sees]
    for by_mail_only in ("piet@northwind.test", eve.email):  # no account; another organisation's login
        assert "portal" not in bodies[by_mail_only].lower() and link not in bodies[by_mail_only]
        assert f"reply to this mail and keep [#{ticket.pk}] in the subject" in bodies[by_mail_only]
    # files too large for mail: the portal for who sees it, an answer by mail for the others
    settings.MELDPUNT_MAIL_ATTACHMENT_BYTES = 10
    smtp_sink.messages.clear()
    with transaction.atomic():
        message = add_message(ticket, "See the report.", author=f.staff_user())
        keep_uploads(message, [SimpleUploadedFile("report.pdf", b"%PDF-1.4 too large", "application/pdf")])
    bodies = _bodies(smtp_sink.wait_for(4))
    assert "Not attached (too large for mail; see the portal): report.pdf" in bodies[anna.email]
    for by_mail_only in ("piet@northwind.test", eve.email):
        assert "portal" not in bodies[by_mail_only].lower()
        assert "reply to this mail if you need them): report.pdf" in bodies[by_mail_only]


def test_a_following_contact_of_the_organisation_sees_the_request_and_no_one_else_does(northwind):
    ticket = northwind["ticket"]
    portal = Client()
    portal.force_login(northwind["anna"].user)
    assert portal.get(f"/portal/requests/{ticket.pk}/").status_code == 200
    assert f"/portal/requests/{ticket.pk}/" in portal.get("/portal/").content.decode()
    assert Api(northwind["anna"].user).get(f"/api/tickets/{ticket.pk}").status_code == 200
    for outsider in ("bram", "eve"):  # a colleague who does not follow it; a follower of another organisation
        portal.force_login(northwind[outsider].user)
        assert portal.get(f"/portal/requests/{ticket.pk}/").status_code == 404
        assert f"/portal/requests/{ticket.pk}/" not in portal.get("/portal/").content.decode()
        assert Api(northwind[outsider].user).get(f"/api/tickets/{ticket.pk}").status_code == 404
    # a follower who stops following loses the view
    followers.remove(ticket, followers.listed(ticket)[0].pk, by=None)
    portal.force_login(northwind["anna"].user)
    assert portal.get(f"/portal/requests/{ticket.pk}/").status_code == 404
