"""The invoice run from the web (issue 21 item 5): a preview per organisation that matches
what the run then issues, refused for a month that has not ended unless a reason is given,
and refused while a vendor's invoice profile is incomplete, saying what is missing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from meldpunt.billing.models import Invoice, VendorProfile
from meldpunt.billing.run_preview import preview_month
from meldpunt.billing.services import book_time, run_month
from meldpunt.contracts.models import Agreement
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 11, 2)


@pytest.fixture
def demo():
    call_command("load_demo")
    devries = Agreement.objects.get(code="ERPM-2026-0042")
    ticket, _ = create_ticket(NewRequest(organisation=devries.organisation, agreement=devries, kind="advisory",
                                         subject="Rapport voorraadwaarde"))
    f.approved_proposal(ticket)
    book_time(ticket=ticket, agent=f.staff_user(), minutes=90, rate="100.00", started_at=f.ams(2026, 10, 6, 10, 0))
    return devries


def complete_profiles(vendors):
    for vendor in vendors:
        VendorProfile.objects.update_or_create(vendor=vendor, defaults={
            "name": f"{vendor} B.V.", "address": "Stationsplein 1\n3511 ED Utrecht", "vat_number": "NL001234567B01",
            "chamber_of_commerce": "12345678", "iban": "NL91 ABNA 0417 1643 00"})


def test_preview_is_what_the_run_issues(demo):
    preview = preview_month("2026-10", today=ISSUED)
    devries = next(r for r in preview.rows if r.organisation == demo.organisation)
    # Medium 545 + Premium 795 + 3 × Koppeling 295 + 1.5 h × 100 = 2375.00 net
    assert (devries.lines, devries.hours, devries.net) == (4, Decimal("1.50"), Decimal("2375.00"))
    run_month(month="2026-10", today=ISSUED)
    issued = {(i.organisation_id, i.vendor): (i.lines.count(), i.net, i.vat, i.total) for i in Invoice.objects.all()}
    assert issued == {(r.organisation.pk, r.vendor): (r.lines, r.net, r.vat, r.total) for r in preview.rows}
    assert preview_month("2026-10", today=ISSUED).rows == []  # billed: nothing new


def test_page_shows_the_preview_in_the_readers_notation(demo, client):
    client.force_login(f.staff_user())
    page = client.get("/billing/run/?month=2026-10", HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert "€ 2.375,00" in page.text and "1,50" in page.text and "oktober 2026" in page.text
    english = client.get("/billing/run/?month=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    assert "€2,375.00" in english.text and "October 2026" in english.text
    assert not Invoice.objects.exists()


def test_issuing_is_refused_while_a_vendor_profile_is_incomplete(demo, client):
    client.force_login(f.staff_user())
    vendors = {r.vendor for r in preview_month("2026-10").rows}
    complete_profiles(vendors)
    VendorProfile.objects.filter(vendor="erpm").update(iban="", chamber_of_commerce="")
    page = client.get("/billing/run/?month=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-missing="erpm"' in page.text and "Chamber of Commerce number, IBAN" in page.text
    refused = client.post("/billing/run/", {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "erpm: Chamber of Commerce number, IBAN" in refused.text
    assert not Invoice.objects.exists()
    complete_profiles(["erpm"])
    issued = client.post("/billing/run/", {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en")
    assert issued.status_code == 302, issued.text[issued.text.find("run-error"):][:300]
    assert Invoice.objects.filter(organisation=demo.organisation, net=Decimal("2375.00")).exists()


def test_a_month_that_has_not_ended_needs_a_reason(demo, client):
    client.force_login(f.staff_user())
    complete_profiles({"erpm", "invantive", "infor"})
    today = timezone.localdate()
    month = f"{today.year}-{today.month:02d}"
    page = client.get(f"/billing/run/?month={month}", HTTP_ACCEPT_LANGUAGE="en")
    assert "This month has not ended yet" in page.text and 'name="reason"' in page.text
    refused = client.post("/billing/run/", {"month": month}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "has not ended yet" in refused.text and not Invoice.objects.exists()
    forced = client.post("/billing/run/", {"month": month, "reason": "customer leaves"}, HTTP_ACCEPT_LANGUAGE="en")
    assert forced.status_code == 302 and Invoice.objects.filter(period=date(today.year, today.month, 1)).exists()


def test_bad_month_and_customers(demo, client):
    client.force_login(f.staff_user())
    bad = client.get("/billing/run/?month=2026-13", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "Give a month such as 2026-10." in bad.text
    assert client.post("/billing/run/", {"month": "nonsense"}).status_code == 400
    client.force_login(f.contact(demo.organisation).user)
    assert client.get("/billing/run/").status_code == 404
    assert client.post("/billing/run/", {"month": "2026-10"}).status_code == 404
    assert not Invoice.objects.exists()
