"""Mail over an attachment quota is registered all the same; its files stay inside the raw
message and the thread says so (never a failure, nothing lost)."""

import pytest

from meldpunt.contracts.models import Contact
from meldpunt.intake.attachments import content
from meldpunt.intake.models import Attachment, InboundMail
from meldpunt.intake.services import ingest
from meldpunt.tickets.models import Ticket
from tests.support import factories as f
from tests.support.samples import with_attachment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("file_storage")]  # on disk and on S3


@pytest.fixture
def devries():
    org = f.organisation("Bakkerij De Vries", language="nl")
    jan = Contact.objects.create(organisation=org, name="Jan de Vries", email="jan@devries.test", language="nl", is_coordinator=True)
    f.agreement(org, "erpm", "medium")
    return jan


def test_files_over_the_daily_quota_stay_in_the_raw_mail_with_a_note(devries, settings, client):
    settings.MELDPUNT_DAILY_ATTACHMENT_BYTES = 3000
    first = ingest(with_attachment(2000, message_id="<a1@devries.test>"))
    second = ingest(with_attachment(2000, message_id="<a2@devries.test>"))
    assert (first.outcome, second.outcome) == ("created", "created")
    kept, held = (Attachment.objects.get(message__ticket_id=result.ticket) for result in (first, second))
    assert not kept.too_large and content(kept) == b"x" * 2000
    assert held.too_large and held.held == "daily_quota" and held.size == 2000 and not held.file
    assert b"Content-Disposition: attachment" in bytes(InboundMail.objects.get(ticket_id=second.ticket).raw)

    client.force_login(f.staff_user())
    page = client.get(f"/console/tickets/{second.ticket}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "kept inside the original mail: over the organisation&#x27;s daily attachment quota" in page
    assert client.get(f"/intake/attachments/{held.pk}/").status_code == 404


def test_a_ticket_quota_holds_later_files_of_a_thread(devries, settings):
    settings.MELDPUNT_TICKET_ATTACHMENT_COUNT = 1
    first = ingest(with_attachment(100, message_id="<b1@devries.test>"))
    ticket = Ticket.objects.get(pk=first.ticket)
    reply = with_attachment(100, message_id="<b2@devries.test>").replace(
        b"Subject: Logbestand", f"Subject: Re: [#{ticket.pk}] Logbestand\r\nIn-Reply-To: <b1@devries.test>".encode())
    assert ingest(reply).outcome == "appended"
    assert sorted(Attachment.objects.filter(message__ticket=ticket).values_list("held", flat=True)) == ["", "ticket_quota"]


def test_a_path_in_a_mail_file_name_is_dropped(devries):
    raw = with_attachment(10, message_id="<c1@devries.test>").replace(b'filename="log.txt"', b'filename="../../etc/passwd"')
    result = ingest(raw)
    assert Attachment.objects.get(message__ticket_id=result.ticket).filename == "passwd"
