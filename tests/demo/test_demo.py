"""The demo desk: every page has something real to try, and loading twice changes nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from meldpunt.billing.models import TimeEntry, VendorProfile
from meldpunt.bookings.models import Availability
from meldpunt.escalation.models import Duty
from meldpunt.knowledge.models import Article, Idea, Question, Release
from meldpunt.tickets.models import OPEN_Q, STATUS_CHOICES, Ticket
from meldpunt.triage.followup import follow_up_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo")
    follow_up_pending()


def _counts():
    return [model.objects.count() for model in (Ticket, Article, Question, Idea, Release, Availability, VendorProfile,
                                               Duty, TimeEntry)]


def test_loading_twice_changes_nothing(demo):
    first = _counts()
    call_command("load_demo")
    assert _counts() == first and first[0] == 12


def test_requests_in_every_status_and_triage_state(demo):
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == {value for value, _label in STATUS_CHOICES}
    triage = set(Ticket.objects.values_list("triage_state", flat=True))
    assert {"", "incomplete", "accepted", "advisory"} <= triage
    assert Ticket.objects.filter(organisation=None).exists()  # a stranger's mail waits in triage
    assert Ticket.objects.exclude(assignee=None).count() >= 3
    assert Ticket.objects.get(subject__startswith="Please build").proposals.get().state == "sent"


def test_some_requests_breach_their_deadline(client, demo):
    client.login(username="agent", password="agent-demo-2026")
    html = client.get("/console/?queue=all").content.decode()
    assert "Invoice matching stays slow" in html and "Production planning run aborts" in html
    assert Ticket.objects.filter(OPEN_Q, next_due_at__lt=timezone.now()).count() >= 2


def test_every_vendor_has_a_complete_profile_and_both_duties(demo):
    for profile in VendorProfile.objects.all():
        assert all([profile.address, profile.vat_number, profile.chamber_of_commerce, profile.iban])
    assert set(Duty.objects.values_list("vendor", "role")) == {
        (vendor, role) for vendor in ("erpm", "invantive", "infor") for role in ("team_lead", "support_manager")
    }


@pytest.mark.parametrize("login, path, text", [
    ("emma", "/knowledge/", "Refreshing large Exact Online divisions"),
    ("jan", "/knowledge/", "Orders uit Shopify komen niet binnen"),
    ("emma", "/knowledge/community/", "Can I schedule a refresh at night?"),
    ("jan", "/knowledge/ideas/", "Koppeling met Bol.com"),
    ("agent", "/knowledge/releases/", "25.0.3"),
])
def test_content_pages_have_the_demo_content(client, demo, login, path, text):
    client.login(username=login, password=f"{login}-demo-2026")
    response = client.get(path, follow=True, HTTP_ACCEPT_LANGUAGE="nl" if login == "jan" else "en")
    assert response.status_code == 200 and text in response.content.decode()
