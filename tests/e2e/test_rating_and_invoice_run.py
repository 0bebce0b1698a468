"""In a real browser: a customer rates a resolved request from the link in the resolution
mail, without logging in, in Dutch (issue 19 item 8); staff preview the month's invoice run
and issue it (issue 21 item 5)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from meldpunt.billing.models import Invoice, VendorProfile
from meldpunt.intake.models import OutboundMail
from meldpunt.satisfaction.models import Rating
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def patient(session):
    def open_session(**kwargs):
        s = session(**kwargs)
        s.context.set_default_timeout(60_000)
        return s
    return open_session


def test_customer_rates_from_the_mail_link_and_adds_a_comment(patient, settings):
    settings.MELDPUNT_SITE_URL = "https://desk.example.test"
    org = f.organisation("Bakkerij De Vries B.V.")
    jan = f.contact(org, username="jan", language="nl")
    agreement = f.agreement(org, "erpm", "small", coordinator=jan)
    agent = f.staff_user("agent")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=jan, subject="Orders blijven hangen",
                                         impact="one", urgency="low"))
    change_status(ticket, "resolved", actor=agent)
    body = OutboundMail.objects.get(ticket=ticket, kind="status").body
    bad = urlsplit(re.search(r"^Slecht: (\S+)$", body, re.M).group(1)).path

    klant = patient(locale="en-GB")  # the browser's language does not matter: the mail's does
    klant.go(bad)
    page = klant.page
    assert "U heeft dit verzoek als slecht beoordeeld" in page.inner_text("#rating-result")
    page.check("input[name=score][value=good]")
    page.fill("textarea[name=comment]", "Toch snel opgelost")
    klant.submit("main form button[type=submit]")
    assert "als goed beoordeeld" in page.inner_text("#rating-result")
    assert "Uw opmerking is opgeslagen." in page.inner_text("main")
    klant.go(bad)  # the same link again: it records bad again, within the window
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment) == ("bad", "Toch snel opgelost")
    klant.shot("rating-from-mail.png")

    staff = patient(locale="nl-NL")
    staff.login("agent", "pw-agent-123")
    staff.go(f"/console/tickets/{ticket.pk}/")
    assert "Toch snel opgelost" in staff.page.inner_text("#rating")


def test_staff_preview_the_invoice_run_then_issue_it(patient):
    call_command("load_demo")
    for vendor in ("erpm", "invantive", "infor"):
        VendorProfile.objects.update_or_create(vendor=vendor, defaults={
            "name": f"{vendor} B.V.", "address": "Stationsplein 1\n3511 ED Utrecht", "vat_number": "NL001234567B01",
            "chamber_of_commerce": "12345678", "iban": "NL91 ABNA 0417 1643 00"})
    f.staff_user("boekhouder")
    agent = patient(locale="nl-NL")
    agent.login("boekhouder", "pw-agent-123")
    agent.go("/billing/run/")
    page = agent.page
    page.fill("#id_month", "2026-10")
    agent.submit("#run-month button[type=submit]")
    assert "Voorbeeld van oktober 2026" in page.inner_text("h2#preview-h")
    row = page.locator("#run-preview tbody tr", has_text="Bakkerij De Vries")
    assert "€ 2.225,00" in row.inner_text()
    assert not Invoice.objects.exists()
    agent.shot("invoice-run-preview.png")
    agent.submit("#run-issue button[type=submit]")
    assert page.url.endswith("/billing/")
    assert "uitgereikt" in page.inner_text(".flash")
    assert Invoice.objects.filter(organisation__name__startswith="Bakkerij De Vries", net="2225.00").exists()
