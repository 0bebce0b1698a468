"""Decisions by mail on a sent proposal (issue 16, seed 002): only an unambiguous keyword
on a line of its own, above the quoted history, from someone who may decide (a contact who
sees the request: the rule of the portal's approve button); the event log names the
decider and the channel. Replies go through real intake, answering the real proposal mail."""

import pytest

from meldpunt.contracts.models import Contact
from meldpunt.intake.services import ingest
from meldpunt.tickets.models import TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.triage import services
from meldpunt.triage.replies import decision_in
from tests.support import factories as f
from tests.support.samples import mail


@pytest.mark.parametrize("body, decision", [
    ("Approved", True),
    ("approve.", True),
    ("  AKKOORD!  \n\nGraag inplannen.", True),
    ("Ja, akkoord", True),
    ("Thanks.\nDeclined.\n\nToo expensive.", False),
    ("Niet akkoord", False),
    ("AFWIJZEN", False),
    ("Approved? What does this cost?", None),
    ("Approved?", None),
    ("Akkoord, graag inplannen", None),
    ("I approve of the idea but want to discuss it", None),
    ("Approved\nDeclined", None),
    ("What does it cost?\n\nOn Fri, 27 Nov 2026 Support <support@vendor.test> wrote:\n> APPROVE", None),
    ("Wat kost het?\n\nOp 27 nov. 2026 schreef Support:\n\nAKKOORD", None),
    ("Question\n-----Original Message-----\nApprove", None),
    ("Question\nFrom: Support <support@vendor.test>\nApprove", None),
    ("> Approve\nAnd what does it cost?", None),
    ("", None),
])
def test_only_a_keyword_on_its_own_line_above_the_history_decides(body, decision):
    assert decision_in(body) is decision


pytestmark_db = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(smtp_sink):
    """An advisory request of Northwind's coordinator with a sent proposal; the mail in the sink."""
    org = f.organisation("Northwind", language="en")
    coord = f.contact(org, username="coord", language="en")
    agreement = f.agreement(org, "invantive", "subscription", coordinator=coord)
    staff = f.staff_user()

    def proposal_for(**who):
        ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, kind="question", subject="Advice please", **who))
        ticket = services.convert_to_advisory(ticket, actor=staff)
        proposal = services.draft_proposal(ticket, actor=staff, hours="2", rate="100.00", description="Review")
        services.send_proposal(proposal, actor=staff)
        message = [m for m in smtp_sink.wait_for(len(smtp_sink.messages) + 2)
                   if m["Subject"].startswith("Proposal for request") and f"[#{ticket.pk}]" in m["Subject"]][-1]
        return ticket, proposal, message

    return {"org": org, "coord": coord, "agreement": agreement, "staff": staff, "proposal_for": proposal_for}


def _answer(message, sender: str, body: str, n: int) -> bytes:
    quoted = "\n".join(f"> {line}" for line in message.get_content().splitlines())
    return mail(sender=sender, subject=f"Re: {message['Subject']}", message_id=f"<answer-{n}@northwind.test>",
                body=f"{body}\n\nOn Fri, 27 Nov 2026 at 10:00, Support <support@vendor.test> wrote:\n{quoted}",
                headers={"In-Reply-To": message["Message-ID"], "References": message["Message-ID"]})


@pytestmark_db
def test_a_question_is_no_decision_and_the_coordinators_approval_is_recorded(sent):
    ticket, proposal, message = sent["proposal_for"](contact=sent["coord"])
    assert "APPROVE or DECLINE on a line of its own" in message.get_content()
    coord = sent["coord"]
    question = ingest(_answer(message, coord.email, "Approved? What does this cost?", 1))
    assert question.outcome == "appended" and question.ticket == ticket.pk
    proposal.refresh_from_db()
    assert proposal.state == "sent"  # the quoted "APPROVE" of our own mail counts for nothing either
    approval = ingest(_answer(message, coord.email.upper(), "Approved.\n\nPlease plan it next week.", 2))
    assert approval.outcome == "appended"
    proposal.refresh_from_db()
    assert proposal.state == "approved" and proposal.decided_by == coord.user
    event = TicketEvent.objects.get(ticket=ticket, kind="proposal", data__state="approved")
    assert event.actor == coord.user
    assert (event.data["channel"], event.data["contact"], event.data["by"]) == ("email", coord.pk, str(coord))
    ticket.refresh_from_db()
    assert ticket.status == "approved"


@pytestmark_db
def test_a_contact_without_a_login_decides_their_own_request_by_mail(sent):
    piet = Contact.objects.create(organisation=sent["org"], name="Piet", email="piet@northwind.test", language="en")
    ticket, proposal, message = sent["proposal_for"](contact=piet)
    assert ingest(_answer(message, "Piet <piet@northwind.test>", "Afwijzen", 3)).outcome == "appended"
    proposal.refresh_from_db()
    assert proposal.state == "declined" and proposal.decided_by is None
    event = TicketEvent.objects.get(ticket=ticket, kind="proposal", data__state="declined")
    assert event.actor is None and event.data["contact"] == piet.pk and event.data["channel"] == "email"


@pytestmark_db
def test_someone_who_may_not_decide_decides_nothing_and_the_agent_sees_why(sent, client):
    """The request was registered for someone at Northwind who is no contact (the reporter):
    their mail is added to the thread, but only a contact who sees the request decides."""
    ticket, proposal, message = sent["proposal_for"](reporter_email="boss@northwind.test")
    assert message["To"] == "boss@northwind.test"
    assert ingest(_answer(message, "boss@northwind.test", "APPROVE", 4)).outcome == "appended"
    proposal.refresh_from_db()
    assert proposal.state == "sent" and ticket.messages.filter(from_customer=True, body__startswith="APPROVE").exists()
    event = TicketEvent.objects.get(ticket=ticket, kind="proposal_reply_ignored")
    assert event.data["by"] == "boss@northwind.test" and event.data["decision"] == "approve"
    client.force_login(sent["staff"])
    page = client.get(f"/console/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "from boss@northwind.test says APPROVE, but they may not decide on this request" in page
    assert "A reply via Email from boss@northwind.test" in page  # the channel by its label (CHANNEL_LABELS)


@pytestmark_db
def test_a_plain_contact_who_does_not_see_the_request_neither_writes_nor_decides(sent):
    ticket, proposal, message = sent["proposal_for"](contact=sent["coord"])
    plain = f.contact(sent["org"], coordinator=False, username="plain")
    result = ingest(_answer(message, plain.email, "Approved", 5))
    assert result.outcome == "created" and result.reason.endswith(f"not allowed to write into #{ticket.pk}")
    proposal.refresh_from_db()
    assert proposal.state == "sent" and not ticket.messages.filter(from_customer=True).exists()
