"""Contact numbers and channel hours where customers and agents need them (issue 20 item 1)."""

from __future__ import annotations

import pytest

from meldpunt.intake import outbox
from meldpunt.intake.contact_log import channel_sentences
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def test_an_invantive_licence_key_confirmation_names_the_numbers_for_licence_keys():
    """Seed 001: "A new subscription key can be requested using phone (+31 88 00 26 599)"; seed 000: "een
    e-mail te sturen naar license@invantive.com. Vergeet niet uw overeenkomstcode of bedrijfsnaam en adres te
    vermelden." """
    org = f.organisation("Acme", language="nl")
    ann = f.contact(org, language="nl")
    agreement = f.agreement(org, "invantive", "subscription")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=ann, kind="licence_key",
                                         subject="Sleutel voor 24.0", channel="portal", language="nl"), actor=ann.user)
    body = outbox.queue(ticket, "confirmation", later=False).body
    assert "U kunt ons ook bereiken:" in body
    assert "- Supportdesk: +31 88 00 26 599" in body
    assert "- Licentiesleutels: license@invantive.com (Vermeld uw overeenkomstcode, of uw bedrijfsnaam en adres)" in body
    assert "+31 88 00 26 500" not in body  # the sales number is for consultant requests
    assert body.rstrip().endswith("Met vriendelijke groet,\nInvantive support")


def test_a_confirmation_of_a_vendor_without_numbers_names_none():
    """Seed 004 gives no phone number: the confirmation lists none (none is invented)."""
    org = f.organisation("Bakkerij", language="en")
    ann = f.contact(org, language="en")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org, "erpm", "small", addons=["premium"]),
                                         contact=ann, subject="Slow", priority="C", channel="portal", language="en"),
                              actor=ann.user)
    body = outbox.queue(ticket, "confirmation", later=False).body
    assert "reach us" not in body and "\n\nKind regards," in body


def test_the_portal_shows_the_numbers_on_the_request_form_and_the_agreement(client):
    """Seed 001: "To consultancy for installation of software you can contact our support using phone
    (+31 88 00 26 599)"; "For sessions of 4 hours or more, please contact our sales team at +31 88 00 26 500"."""
    org = f.organisation("Acme")
    ann = f.contact(org, username="ann-lines", language="en")
    agreement = f.agreement(org, "invantive", "subscription")
    client.force_login(ann.user)
    form = client.get("/portal/requests/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="tel:+31880026599"' in form and "Installation request" in form
    assert "Sales team" in form and "+31 88 00 26 500" in form and "Sessions of 4 hours or more" in form
    page = client.get(f"/portal/agreements/{agreement.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="contact-points"' in page and 'href="mailto:license@invantive.com"' in page


def test_the_portal_names_the_emergency_line_and_the_critical_phone_hours(client):
    """Seed 004 Premium: "noodnummer voor incidenten", "incidenten meldingen 06:00-23:00"; seed 003 Premium:
    critical issues "24 uur per dag, 7 dagen per week"."""
    org = f.organisation("Delta")
    coordinator = f.contact(org, username="delta-lines", language="en")
    erpm = f.agreement(org, "erpm", "small", addons=["premium"])
    assert channel_sentences(erpm, "en", f.ams(2026, 12, 1, 22, 0)) == [
        "Phone support is not available right now.", "Emergency line for incidents is open now."]
    assert channel_sentences(erpm, "nl", f.ams(2026, 12, 5, 10, 0))[-1] == "Noodnummer voor incidenten is nu niet bereikbaar."
    infor = f.agreement(org, "infor", "xtreme-premium")
    assert channel_sentences(infor, "en", f.ams(2026, 12, 5, 3, 0)) == ["Phone support is open now only for: Critical."]
    assert channel_sentences(infor, "nl", f.ams(2026, 12, 5, 3, 0)) == ["Telefonische support is nu alleen open voor: Kritiek."]
    client.force_login(coordinator.user)
    page = client.get(f"/portal/agreements/{erpm.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Emergency line for incidents is" in page


def test_the_call_log_shows_each_vendors_numbers_and_an_agreements_lines(client):
    """Agents logging a call see the numbers the catalogs give and, for an agreement, which lines are open."""
    org = f.organisation("Delta")
    erpm = f.agreement(org, "erpm", "small", addons=["premium"])
    f.agreement(org, "invantive", "subscription")
    client.force_login(f.staff_user())
    page = client.get(f"/intake/log/?agreement={erpm.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "+31 88 00 26 599" in page and "license@invantive.com" in page
    assert 'id="agreement-lines"' in page and "Emergency line for incidents is" in page
    assert "Its catalog gives no contact numbers." in page  # ERP.M
    assert client.get("/intake/log/?agreement=99999999999999999999").status_code == 200
    form = client.get("/intake/log/").content.decode()
    assert 'value="emergency"' in form
