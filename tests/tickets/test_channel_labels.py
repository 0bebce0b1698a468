"""One table names the channels a request comes in by (issue 17: one path per rule):
``tickets.models.CHANNEL_LABELS``. The field choices, the console's timeline, the contact log's
form and the services' refusals all read it, so a channel reads the same everywhere and in
the reader's language ("via E-mail", never the raw code "via email")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from meldpunt.core.channels import CHANNELS, LIVE_CHANNELS
from meldpunt.intake.forms import ContactLogForm
from meldpunt.tickets.models import CHANNEL_LABELS, Message, Ticket, channel_label
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.replies import customer_reply
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import TicketError, change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def test_every_channel_has_one_label_and_the_fields_choose_from_it():
    assert tuple(CHANNEL_LABELS) == CHANNELS
    for model in (Ticket, Message):
        assert [(c, str(label)) for c, label in model._meta.get_field("channel").choices] == \
            [(c, str(CHANNEL_LABELS[c])) for c in CHANNELS]
    with translation.override("nl"):
        assert channel_label("email") == "E-mail" and channel_label("emergency") == "Noodnummer"
        assert [(c, str(label)) for c, label in ContactLogForm().fields["channel"].choices] == \
            [(c, channel_label(c)) for c in LIVE_CHANNELS]
    assert channel_label("fax") == "fax"  # a code no table knows stays readable as it is


def test_the_timeline_names_the_channel_of_a_registration_and_a_reopening_in_dutch(desk):
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"],
                                         subject="Voorraad klopt niet", impact="one", urgency="low", channel="portal"))
    change_status(ticket, "resolved", actor=desk["staff"])
    assert customer_reply(ticket, "Het werkt weer niet.", channel="email").outcome == "reopened"
    agent = Client()
    agent.force_login(desk["staff"])
    agent.cookies.load({"django_language": "nl"})
    page = agent.get(f"/console/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Geregistreerd via Portaal" in page
    assert "Heropend door de reactie van de klant via E-mail" in page and "via email" not in page


def test_a_refusal_names_the_channel_by_its_label():
    with translation.override("en"), pytest.raises(TicketError, match="a request by emergency line needs the agreement"):
        create_ticket(NewRequest(organisation=f.organisation(), subject="Down", channel="emergency"))
