"""People and files on the thread in a real browser (issue 19 item 5): an agent adds a
colleague of the customer as follower and replies with a screenshot and a PDF; the follower
gets the reply with both files from the real SMTP sink; the reporter's portal page shows the
screenshot and the PDF's first page as previews."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from meldpunt.intake.models import Follower
from meldpunt.pdf import write_pdf
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_agent_adds_a_follower_and_replies_with_files_the_follower_gets_them_the_portal_previews(
        session, smtp_sink, live_server, tmp_path: Path):
    # The live server's first answer loads the URL configuration and the static files'
    # manifest (seconds on a loaded machine); the browser's ten-second limit is for the flow.
    urllib.request.urlopen(f"{live_server.url}/login/", timeout=120).read()
    org = f.organisation("Bakkerij De Vries B.V.", language="nl")
    jan = f.contact(org, username="jan", language="nl")
    anna = f.contact(org, coordinator=False, username="anna", language="en")
    agreement = f.agreement(org, "erpm", "small", coordinator=jan)
    f.staff_user("agent")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=jan, kind="question",
                                         subject="Factuur export faalt", received_at=timezone.now()))
    screenshot, invoice = tmp_path / "scherm.png", tmp_path / "factuur.pdf"
    screenshot.write_bytes(PNG)
    invoice.write_bytes(write_pdf("<h1>Factuur 42</h1><p>Export</p>"))
    smtp_sink.wait_for(1)  # the confirmation to Jan
    smtp_sink.messages.clear()

    s = session(locale="en-GB")
    s.login("agent", "pw-agent-123")
    s.go(f"/console/tickets/{ticket.pk}/")
    page = s.page
    page.select_option("#follower_contact", label=f"{anna.name} <{anna.email}>")
    s.submit("#followers button:has-text('Add follower')")
    assert f"{anna.name} <{anna.email}>" in page.inner_text("#followers")
    assert Follower.objects.get(ticket=ticket).email == anna.email

    page.fill("#id_body", "Here is the corrected invoice and a screenshot.")
    page.set_input_files("#id_attachments", [str(screenshot), str(invoice)])
    s.submit("#reply button[type=submit]")
    assert "Your message was added." in page.inner_text("main")
    s.shot("thread-console-reply-with-files.png")

    sent = smtp_sink.wait_for(2)
    to_anna = next(m for m in sent if m["To"] == anna.email)
    assert "Here is the corrected invoice" in to_anna.get_body(("plain",)).get_content()
    assert "support · request" in to_anna.get_body(("plain",)).get_content()  # Anna reads English
    files = {part.get_filename(): part.get_content() for part in to_anna.iter_attachments()}
    assert files == {"scherm.png": PNG, "factuur.pdf": invoice.read_bytes()}
    assert any(m["To"] == jan.email for m in sent)

    portal = session(locale="nl-NL")
    portal.login("jan", "pw-customer-123")
    portal.go(f"/portal/requests/{ticket.pk}/")
    view = portal.page
    view.wait_for_function("() => [...document.querySelectorAll('.attachments img')]"
                           ".every(img => img.complete && img.naturalWidth > 0)")
    image = view.eval_on_selector(".preview-image img", "img => img.naturalWidth")
    pdf_width = view.eval_on_selector(".preview-pdf img", "img => img.naturalWidth")
    assert image == 1  # the screenshot itself
    assert 100 < pdf_width <= 480  # the PDF's first page, rendered as a picture
    assert anna.email in view.inner_text("#followers")
    portal.shot("thread-portal-previews.png")
