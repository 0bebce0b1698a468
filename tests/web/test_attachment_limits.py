"""Attachments stay cheap: refused while streaming when too large, quotas per request and per
organisation per day, names without paths, streamed downloads that never run in the browser,
ticket pages that never read the bytes, and 413 for a body that is too large."""

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meldpunt.intake import attachments
from meldpunt.intake.models import Attachment
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message
from tests.support import factories as f

pytestmark = pytest.mark.django_db
KIB = 1024


@pytest.fixture
def customer(client):
    org = f.organisation("Alpha")
    coordinator = f.contact(org, username="alpha")
    agreement = f.agreement(org, "erpm", "small")
    client.force_login(coordinator.user)
    return coordinator, agreement


def _post(client, agreement, *files, key="k1", **headers):
    return client.post("/portal/requests/new/", {
        "agreement": agreement.pk, "kind": "question", "subject": "Export vraagt om wachtwoord",
        "description": "Zie bijlagen", "idempotency_key": key, "attachments": list(files),
    }, **headers)


def _file(name: str, size: int, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size, content_type=content_type)


def test_a_file_over_the_limit_is_refused_while_streaming_and_no_request_is_registered(client, customer, settings):
    settings.MELDPUNT_MAX_ATTACHMENT_BYTES = 300 * KIB
    _, agreement = customer
    response = _post(client, agreement, _file("klein.txt", 10 * KIB), _file("groot.bin", 3000 * KIB))
    page = response.content.decode()
    assert response.status_code == 400 and "groot.bin is larger than 300.0\xa0KB." in page
    parsed = response.wsgi_request  # the handler dropped it while it streamed in: never a whole file
    assert parsed.refused_uploads == ["groot.bin"]
    assert [upload.name for upload in parsed.FILES.getlist("attachments")] == ["klein.txt"]
    assert not Ticket.objects.exists() and not Attachment.objects.exists()

    nl = _post(client, agreement, _file("groot.bin", 3000 * KIB), HTTP_ACCEPT_LANGUAGE="nl")
    assert nl.status_code == 400 and "groot.bin is groter dan 300,0\xa0KB." in nl.content.decode()


def test_a_request_holds_at_most_its_quota(client, customer, settings):
    settings.MELDPUNT_TICKET_ATTACHMENT_BYTES = 250 * KIB
    _, agreement = customer
    response = _post(client, agreement, _file("een.bin", 200 * KIB), _file("twee.bin", 200 * KIB))
    assert response.status_code == 400
    assert "twee.bin does not fit: a request holds at most 50 files and 250.0\xa0KB in all." in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_organisation_has_a_daily_quota_that_others_do_not_share(client, customer, settings, file_storage):
    settings.MELDPUNT_DAILY_ATTACHMENT_BYTES = 500 * KIB
    coordinator, agreement = customer
    earlier, _ = create_ticket(NewRequest(organisation=coordinator.organisation, agreement=agreement, contact=coordinator,
                                          subject="Eerder vandaag", kind="question"))
    message = add_message(earlier, "bijlage", author=coordinator.user, from_customer=True)
    attachments.store_bytes(message, filename="ochtend.bin", content_type=None, data=b"y" * (400 * KIB))
    yesterday = attachments.store_bytes(message, filename="gisteren.bin", content_type=None, data=b"z" * (400 * KIB))
    Attachment.objects.filter(pk=yesterday.pk).update(created_at=timezone.now() - timedelta(hours=25))

    response = _post(client, agreement, _file("middag.bin", 200 * KIB), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "middag.bin does not fit: your organisation can send at most 200 files and 500.0\xa0KB in 24 hours." in response.content.decode()
    nl = _post(client, agreement, _file("middag.bin", 200 * KIB), HTTP_ACCEPT_LANGUAGE="nl")
    assert "middag.bin past niet: uw organisatie kan in 24 uur ten hoogste 200 bestanden" in nl.content.decode()
    assert _post(client, agreement, _file("middag.bin", 50 * KIB), key="k2").status_code == 302

    other = f.contact(f.organisation("Beta"), username="beta")
    client.force_login(other.user)
    assert _post(client, f.agreement(other.organisation, "erpm", "small"), _file("beta.bin", 450 * KIB), key="k3").status_code == 302


def test_names_lose_their_path_and_files_go_to_the_storage(client, customer, file_storage):
    _, agreement = customer
    big = 2 * attachments.CHUNK_BYTES + 5
    response = _post(client, agreement, SimpleUploadedFile("C:\\Users\\jan\\log\x07.txt", b"regel\n"),
                     _file("groot.bin", big))
    assert response.status_code == 302
    names = sorted(Attachment.objects.values_list("filename", "size"))
    assert names == [("groot.bin", big), ("log.txt", 6)]
    stored = Attachment.objects.get(filename="groot.bin")
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", stored.file.name)  # nothing of the customer's name
    assert file_storage.exists(stored.file.name) and file_storage.size(stored.file.name) == big
    assert attachments.content(stored) == b"x" * big

    message = Attachment.objects.get(filename="log.txt").message
    kept = attachments.store_bytes(message, filename="../../etc/passwd", content_type="text/plain\r\nX-Evil: 1", data=b"root")
    assert (kept.filename, kept.content_type) == ("passwd", attachments.OCTET_STREAM)


def test_downloads_stream_as_attachments_and_never_as_a_page(client, customer, file_storage):
    coordinator, agreement = customer
    ticket, _ = create_ticket(NewRequest(organisation=coordinator.organisation, agreement=agreement, contact=coordinator,
                                         subject="Bijlagen", kind="question"))
    message = add_message(ticket, "bijlagen", author=coordinator.user, from_customer=True)
    size = attachments.CHUNK_BYTES + 10
    page = attachments.store_bytes(message, filename="pagina.html", content_type="text/html", data=b"<script>1</script>")
    image = attachments.store_bytes(message, filename="vector.svg", content_type="image/svg+xml", data=b"<svg/>")
    pdf = attachments.store_bytes(message, filename="rapport.pdf", content_type="application/pdf", data=b"%" * size)

    download = client.get(f"/intake/attachments/{pdf.pk}/")
    pieces = list(download.streaming_content)
    assert [len(p) for p in pieces] == [attachments.CHUNK_BYTES, 10] and b"".join(pieces) == b"%" * size
    assert download["Content-Type"] == "application/pdf" and download["Content-Length"] == str(size)
    assert download["Content-Disposition"] == 'attachment; filename="rapport.pdf"'
    for active in (page, image):
        download = client.get(f"/intake/attachments/{active.pk}/")
        assert download["Content-Type"] == "application/octet-stream"
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff" and "sandbox" in download["Content-Security-Policy"]


def test_ticket_pages_list_attachments_without_reading_their_bytes(client, customer, file_storage, monkeypatch):
    coordinator, agreement = customer
    ticket, _ = create_ticket(NewRequest(organisation=coordinator.organisation, agreement=agreement, contact=coordinator,
                                         subject="Grote bijlagen", kind="question"))
    for i in range(3):
        message = add_message(ticket, f"bijlage {i}", author=coordinator.user, from_customer=True)
        attachments.store_bytes(message, filename=f"dump{i}.bin", content_type=None, data=b"d" * (3 * attachments.CHUNK_BYTES))
    assert len(Attachment.objects.exclude(file="")) == 3
    opened = []
    monkeypatch.setattr(file_storage, "open", lambda name, mode="rb": opened.append(name))

    pages = [(client, f"/portal/requests/{ticket.pk}/")]
    staff = type(client)()
    staff.force_login(f.staff_user())
    pages.append((staff, f"/console/tickets/{ticket.pk}/"))
    for who, url in pages:
        with CaptureQueriesContext(connection) as queries:
            page = who.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert all(f"dump{i}.bin" in html for i in range(3)), url
        assert opened == [], url
        attachment_reads = [q["sql"] for q in queries.captured_queries if Attachment._meta.db_table in q["sql"]]
        assert len(attachment_reads) == 1, attachment_reads  # one prefetch for the whole thread


def test_a_body_over_the_request_limit_answers_413_before_it_is_read(client, customer, settings):
    settings.MELDPUNT_MAX_REQUEST_BYTES = 100 * KIB
    _, agreement = customer
    response = _post(client, agreement, _file("groot.bin", 200 * KIB))
    assert response.status_code == 413
    assert "The request is too large: at most 100.0\xa0KB can be sent at once." in response.content.decode()
    assert not Ticket.objects.exists()


def test_too_many_form_fields_answer_413_not_400(client, customer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    coordinator, agreement = customer
    ticket, _ = create_ticket(NewRequest(organisation=coordinator.organisation, agreement=agreement, contact=coordinator,
                                         subject="Velden", kind="question"))
    fields = {f"veld{i}": "x" for i in range(20)} | {"body": "antwoord"}
    assert client.post(f"/portal/requests/{ticket.pk}/", fields).status_code == 413
    many = {f"veld{i}": "x" for i in range(20)} | {"agreement": agreement.pk}
    assert client.post("/portal/requests/new/", many).status_code == 413  # the upload form parses its own body


def test_an_api_body_over_the_limit_answers_413_in_json(settings):
    from tests.support.desk_fixtures import Api

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * KIB
    org = f.organisation("Gamma")
    api = Api(f.contact(org).user)
    response = api.post("/api/tickets", {"subject": "Groot", "description": "x" * (20 * KIB)})
    assert response.status_code == 413
    assert "too large" in json.loads(response.content)["detail"]
