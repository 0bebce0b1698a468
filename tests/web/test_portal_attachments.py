"""Files sent with a portal request are kept, shown in the thread and downloadable by those who may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meldpunt.intake.models import Attachment
from meldpunt.tickets.models import Ticket
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _post(client, agreement, *files):
    return client.post("/portal/requests/new/", {
        "agreement": agreement.pk, "kind": "question", "subject": "Export vraagt om wachtwoord",
        "description": "Zie screenshot", "idempotency_key": "k1", "attachments": list(files),
    })


def test_attachments_go_with_the_request_and_only_reach_those_who_may_see_it(client):
    org = f.organisation("Alpha")
    coordinator = f.contact(org, username="alpha")
    agreement = f.agreement(org, "erpm", "small")
    client.force_login(coordinator.user)
    response = _post(client, agreement, SimpleUploadedFile("scherm.png", b"\x89PNG fake", content_type="image/png"),
                     SimpleUploadedFile("log.txt", b"regel 1\n", content_type="text/plain"))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    files = sorted(Attachment.objects.filter(message__ticket=ticket).values_list("filename", "size"))
    assert files == [("log.txt", 8), ("scherm.png", 9)]
    log = Attachment.objects.get(filename="log.txt")
    download = client.get(f"/intake/attachments/{log.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"regel 1\n"
    assert 'filename="log.txt"' in download["Content-Disposition"]
    page = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "scherm.png" in page and f"/intake/attachments/{log.pk}/" in page

    other = f.contact(f.organisation("Beta"), username="beta")
    client.force_login(other.user)
    assert client.get(f"/intake/attachments/{log.pk}/").status_code == 404
    client.force_login(f.staff_user())
    assert client.get(f"/intake/attachments/{log.pk}/").status_code == 200


def test_too_many_files_are_refused_with_a_clear_message(client):
    org = f.organisation("Gamma")
    coordinator = f.contact(org, username="gamma")
    agreement = f.agreement(org, "erpm", "small")
    client.force_login(coordinator.user)
    files = [SimpleUploadedFile(f"f{i}.txt", b"x") for i in range(11)]
    response = _post(client, agreement, *files)
    assert response.status_code == 400 and "At most 10 files." in response.content.decode()
    assert not Ticket.objects.exists()


def test_agreement_page_says_whether_phone_is_open_now(client):
    from meldpunt.intake.contact_log import channels_open

    org = f.organisation("Delta")
    coordinator = f.contact(org, username="delta", language="en")
    agreement = f.agreement(org, "erpm", "small")
    client.force_login(coordinator.user)
    page = client.get(f"/portal/agreements/{agreement.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    expected = "Phone support is open now." if channels_open(agreement)["phone"] else "Phone support is not available right now."
    assert expected in page
