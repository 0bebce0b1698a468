"""Incident details by mail (issue 20 item 2). Seed 000: "Een forumdiscussie zelf zal een incident zijn
wanneer het de volgende goedgekeurde elementen bevat: Duidelijke probleemomschrijving; Foutcodes (indien
aanwezig, meestal voorafgegaan door itgen); Reproductiescenario op een geïsoleerde omgeving, zoals product,
versie en opeenvolgende te nemen stappen." A complete mailed report is complete; an incomplete one is
sent back with the labelled form, and the customer's answer by mail fills the fields."""

import pytest

from meldpunt.contracts.models import Contact
from meldpunt.intake.services import ingest
from meldpunt.tickets.models import Ticket
from meldpunt.triage import services
from meldpunt.triage.models import Assessment
from meldpunt.triage.tasks import follow_up
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db(transaction=True)

COMPLETE_NL = """Goedemorgen,

Sinds de update van vanochtend stopt het verversen van de Exact Online sheet met een foutmelding.

*Product :* Invantive Cloud
*Versie:* 24.0.123
Foutcode (indien aanwezig): itgenclr073
Stappen:
1. Open het werkboek Omzet.xlsx

2. Kies Verversen

Met vriendelijke groet,
Jan de Vries
--
Bakkerij De Vries
"""


@pytest.fixture
def invantive_contact():
    org = f.organisation("Bakkerij De Vries", language="nl")
    jan = Contact.objects.create(organisation=org, name="Jan de Vries", email="jan@devries.test", language="nl",
                                 is_coordinator=True)
    f.agreement(org, "invantive", "subscription", coordinator=jan)
    return jan


def test_a_complete_report_by_mail_is_judged_complete(invantive_contact, smtp_sink):
    result = ingest(mail(subject="Verversen faalt", body=COMPLETE_NL))
    follow_up.call()
    ticket = Ticket.objects.get(pk=result.ticket)
    assert (ticket.product, ticket.product_version, ticket.error_code) == ("Invantive Cloud", "24.0.123", "itgenclr073")
    assert ticket.reproduction == "1. Open het werkboek Omzet.xlsx\n2. Kies Verversen"
    assert Assessment.objects.get(ticket=ticket).completeness == "complete"


def test_an_incomplete_report_gets_the_form_and_the_answer_by_mail_completes_it(invantive_contact, smtp_sink):
    body = "Het verversen van de Exact Online sheet stopt met een foutmelding sinds vanochtend.\n\nProduct: Invantive Cloud\n"
    ticket = Ticket.objects.get(pk=ingest(mail(subject="Verversen faalt", body=body)).ticket)
    follow_up.call()
    assessment = Assessment.objects.get(ticket=ticket)
    assert assessment.completeness == "incomplete"
    assert [m["field"] for m in assessment.missing] == ["product_version", "reproduction"]
    services.send_back(ticket, actor=f.staff_user())
    question = smtp_sink.wait_for(2)[-1]
    text = question.get_content().replace("\r\n", "\n")
    # Exactly what is missing, and how to send it: the labelled form, in the customer's language.
    assert "- De versie van het product\n- Een reproductiescenario" in text
    assert "Versie:\nStappen:\n1.\n2." in text and "Product:" not in text.split("Versie:")[0].split("nodig:")[1]
    # The customer answers above the quoted question, as mail programs do.
    quoted = "\n".join(f"> {line}" for line in text.splitlines())
    answer = (f"Hierbij de gegevens.\n\nVersie: 24.0.130\nStappen:\n1. Open Omzet.xlsx\n2. Kies Verversen\n\n"
              f"Op 7 dec. 2026 om 10:00 schreef Meldpunt <support@vendor.test>:\n{quoted}\n")
    reply = ingest(mail(subject=f"Re: {question['Subject']}", body=answer, message_id="<answer-1@devries.test>",
                        headers={"In-Reply-To": question["Message-ID"]}))
    assert reply.outcome == "appended" and reply.ticket == ticket.pk
    ticket.refresh_from_db()
    assert (ticket.product_version, ticket.reproduction) == ("24.0.130", "1. Open Omzet.xlsx\n2. Kies Verversen")
    assert ticket.product == "Invantive Cloud"  # given before: not touched
    assert Assessment.objects.get(ticket=ticket).completeness == "complete"
    event = ticket.events.filter(kind="corrected").get()
    assert event.data["source"] == "customer_answer" and set(event.data["changes"]) == {"product_version",
                                                                                              "reproduction"}
    assert ticket.status == "new" and ticket.triage_state == ""  # back in triage


def test_a_later_mention_never_overwrites_a_detail_that_was_accepted(invantive_contact, smtp_sink):
    ticket = Ticket.objects.get(pk=ingest(mail(subject="Verversen faalt", body=COMPLETE_NL)).ticket)
    follow_up.call()
    confirmation = smtp_sink.wait_for(1)[0]
    ingest(mail(subject=f"Re: {confirmation['Subject']}", body="Ook in Versie: 25.0.1 gezien.\nVersie: 25.0.1",
                message_id="<later@devries.test>", headers={"In-Reply-To": confirmation["Message-ID"]}))
    ticket.refresh_from_db()
    assert ticket.product_version == "24.0.123" and not ticket.events.filter(kind="corrected").exists()
