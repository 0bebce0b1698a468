"""People and files on the request page (issue 19 item 5), console and portal: followers
added and removed within the rules, replies with files, and previews of images and PDFs
that only those who may see the request get (another organisation: 404)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from meldpunt.intake.models import Attachment, Follower
from meldpunt.intake.services import keep_uploads
from meldpunt.pdf import write_pdf
from meldpunt.tickets.models import Message, TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message
from tests.support import factories as f

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def world():
    org = f.organisation("Alpha BV")
    coord = f.contact(org, username="coord")
    plain = f.contact(org, coordinator=False, username="plain")
    colleague = f.contact(org, coordinator=False, username="colleague", language="en")
    agreement = f.agreement(org, "erpm", "small", coordinator=coord)
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=plain, subject="Export faalt",
                                         kind="question"))
    other = f.contact(f.organisation("Beta BV"), username="beta")
    return {"org": org, "coord": coord, "plain": plain, "colleague": colleague, "ticket": ticket, "other": other,
            "staff": f.staff_user()}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_agent_adds_a_contact_or_a_confirmed_outside_address_and_removes_a_follower(world):
    ticket, staff, colleague = world["ticket"], world["staff"], world["colleague"]
    agent = _client(staff)
    page = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert 'id="followers"' in page and "Nobody follows this request." in page and colleague.name in page
    done = agent.post(f"/console/tickets/{ticket.pk}/followers/", {"contact": colleague.pk}, follow=True)
    assert f"{colleague.name} &lt;{colleague.email}&gt; now follows this request." in done.content.decode()
    refused = agent.post(f"/console/tickets/{ticket.pk}/followers/", {"email": "partner@consult.test"}, follow=True)
    assert "confirm that it may receive the public replies" in refused.content.decode()
    agent.post(f"/console/tickets/{ticket.pk}/followers/", {"email": "partner@consult.test", "outside": "on"})
    assert sorted(Follower.objects.filter(ticket=ticket).values_list("email", "source")) == [
        (colleague.email, "agent"), ("partner@consult.test", "agent")]
    page = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "partner@consult.test" in page and "not a contact" in page and "follows the request" in page
    follower = Follower.objects.get(email="partner@consult.test")
    agent.post(f"/console/tickets/{ticket.pk}/followers/{follower.pk}/remove/")
    assert not Follower.objects.filter(pk=follower.pk).exists()
    assert agent.post(f"/console/tickets/{ticket.pk}/followers/", {}).status_code == 302  # a clear message, no 500
    # Customers never reach the console's forms.
    assert _client(world["coord"].user).post(f"/console/tickets/{ticket.pk}/followers/",
                                             {"contact": colleague.pk}).status_code == 404


def test_the_coordinator_adds_contacts_of_the_own_organisation_and_others_get_404(world):
    ticket, coord, colleague, other = world["ticket"], world["coord"], world["colleague"], world["other"]
    portal = _client(coord.user)
    page = portal.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert f'action="/portal/requests/{ticket.pk}/followers/"' in page
    portal.post(f"/portal/requests/{ticket.pk}/followers/", {"contact": colleague.pk})
    follower = Follower.objects.get(ticket=ticket)
    assert (follower.email, follower.source, follower.added_by) == (colleague.email, "coordinator", coord.user)
    # Another organisation's contact is no choice; its id is refused by the form.
    assert portal.post(f"/portal/requests/{ticket.pk}/followers/", {"contact": other.pk}).status_code == 302
    assert Follower.objects.filter(ticket=ticket).count() == 1
    # The reporter (a plain contact) sees the followers, cannot change them.
    plain = _client(world["plain"].user)
    shown = plain.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert colleague.email in shown and "followers/" not in shown
    assert plain.post(f"/portal/requests/{ticket.pk}/followers/", {"contact": colleague.pk}).status_code == 404
    assert plain.post(f"/portal/requests/{ticket.pk}/followers/{follower.pk}/remove/").status_code == 404
    stranger = _client(other.user)
    assert stranger.post(f"/portal/requests/{ticket.pk}/followers/{follower.pk}/remove/").status_code == 404
    assert portal.post(f"/portal/requests/{ticket.pk}/followers/{follower.pk}/remove/").status_code == 302
    assert not Follower.objects.filter(ticket=ticket).exists()
    assert TicketEvent.objects.filter(ticket=ticket, kind="follower_removed", actor=coord.user).exists()


def test_replies_with_files_from_the_console_and_the_portal(world, settings):
    ticket, staff = world["ticket"], world["staff"]
    agent = _client(staff)
    done = agent.post(f"/console/tickets/{ticket.pk}/reply/", {
        "version": ticket.version, "body": "Zie de schermafdruk.", "visibility": "public", "then_status": "",
        "attachments": [SimpleUploadedFile("scherm.png", PNG, "image/png"),
                        SimpleUploadedFile("notes.txt", b"regel\n", "text/plain")]})
    assert done.status_code == 302
    reply = Message.objects.get(ticket=ticket, body="Zie de schermafdruk.")
    assert sorted(reply.attachments.values_list("filename", flat=True)) == ["notes.txt", "scherm.png"]
    customer = _client(world["plain"].user)
    answered = customer.post(f"/portal/requests/{ticket.pk}/", {
        "body": "Hier is het logboek.", "attachments": [SimpleUploadedFile("log.txt", b"fout 42\n", "text/plain")]})
    assert answered.status_code == 302
    assert Message.objects.get(body="Hier is het logboek.").attachments.get().filename == "log.txt"
    page = customer.get(f"/portal/requests/{ticket.pk}/").content.decode()
    image = Attachment.objects.get(filename="scherm.png")
    assert f'src="/intake/attachments/{image.pk}/preview/"' in page and "log.txt" in page
    assert 'enctype="multipart/form-data"' in page

    settings.MELDPUNT_MAX_ATTACHMENT_BYTES = 5
    refused = customer.post(f"/portal/requests/{ticket.pk}/", {
        "body": "Nog een.", "attachments": [SimpleUploadedFile("groot.txt", b"0123456789", "text/plain")]})
    assert refused.status_code == 400 and "groot.txt is larger than 5\xa0bytes." in refused.content.decode()
    too_big = agent.post(f"/console/tickets/{ticket.pk}/reply/", {
        "version": ticket.version, "body": "Te groot.", "visibility": "public", "then_status": "",
        "attachments": [SimpleUploadedFile("groot.txt", b"0123456789", "text/plain")]})
    assert too_big.status_code == 400 and "groot.txt is larger than" in too_big.content.decode()
    assert not Message.objects.filter(body__in=["Nog een.", "Te groot."]).exists()


def test_previews_are_images_only_and_only_for_those_who_may_see_the_request(world):
    ticket, staff = world["ticket"], world["staff"]
    public = add_message(ticket, "Bijlagen", author=staff)
    note = add_message(ticket, "Intern", author=staff, public=False)
    pdf = write_pdf("<h1>Factuur 42</h1><p>Regel</p>")
    keep_uploads(public, [SimpleUploadedFile("scherm.png", PNG, "image/png"),
                          SimpleUploadedFile("factuur.pdf", pdf, "application/pdf"),
                          SimpleUploadedFile("kapot.pdf", b"%PDF-1.4 kapot", "application/pdf"),
                          SimpleUploadedFile("tekening.svg", b"<svg onload='alert(1)'/>", "image/svg+xml")])
    keep_uploads(note, [SimpleUploadedFile("intern.png", PNG, "image/png")])
    files = {a.filename: a for a in Attachment.objects.all()}
    customer = _client(world["plain"].user)

    image = customer.get(f"/intake/attachments/{files['scherm.png'].pk}/preview/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline") and image["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in image["Content-Security-Policy"] and b"".join(image.streaming_content) == PNG

    page = customer.get(f"/intake/attachments/{files['factuur.pdf'].pk}/preview/")
    assert page.status_code == 200 and page["Content-Type"] == "image/png"
    png = b"".join(page.streaming_content)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    assert 0 < width <= 480  # the first page, rendered by pdftoppm at most 480 pixels wide
    again = customer.get(f"/intake/attachments/{files['factuur.pdf'].pk}/preview/")
    assert b"".join(again.streaming_content) == png  # kept in the storage, rendered once

    assert customer.get(f"/intake/attachments/{files['kapot.pdf'].pk}/preview/").status_code == 404
    assert customer.get(f"/intake/attachments/{files['tekening.svg'].pk}/preview/").status_code == 404
    assert customer.get(f"/intake/attachments/{files['intern.png'].pk}/preview/").status_code == 404  # a note's file
    stranger = _client(world["other"].user)
    for name in ("scherm.png", "factuur.pdf"):
        assert stranger.get(f"/intake/attachments/{files[name].pk}/preview/").status_code == 404
    assert Client().get(f"/intake/attachments/{files['scherm.png'].pk}/preview/").status_code == 302  # to the login

    shown = customer.get(f"/portal/requests/{ticket.pk}/").content.decode()
    previews = set(re.findall(r'src="/intake/attachments/(\d+)/preview/"', shown))
    assert previews == {str(files["scherm.png"].pk), str(files["factuur.pdf"].pk), str(files["kapot.pdf"].pk)}
    console = _client(staff).get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert f'src="/intake/attachments/{files["intern.png"].pk}/preview/"' in console
