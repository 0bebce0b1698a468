"""Cc and followers (issue 19 item 5): Cc addresses of a mail that reaches a request follow
it when they are contacts of its organisation; nobody else does (a stranger's Cc never shows
one organisation's request to anyone). Followers get the agents' public replies — not
internal notes — through the one outbox, in their language, with the reply's files, to a
real SMTP sink; they may answer by mail like the reporter."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from meldpunt.contracts.models import Contact
from meldpunt.intake import followers
from meldpunt.intake.bulk import ingest_many
from meldpunt.intake.followers import FollowerError
from meldpunt.intake.models import Follower, OutboundMail
from meldpunt.intake.services import ingest, keep_uploads
from meldpunt.tickets.models import Message, Ticket, TicketEvent
from meldpunt.tickets.services import add_message
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def northwind():
    """Northwind (English) with a coordinator, a Dutch colleague and one who only mails;
    Rival, another customer, with its own contact."""
    org = f.organisation("Northwind", language="en")
    coord = f.contact(org, username="coord", language="en")
    f.agreement(org, "erpm", "small", coordinator=coord)
    anna = f.contact(org, coordinator=False, username="anna", language="nl")
    piet = Contact.objects.create(organisation=org, name="Piet", email="Piet@Northwind.test", language="en")
    rival = f.organisation("Rival BV")
    eve = f.contact(rival, username="eve")
    return {"org": org, "coord": coord, "anna": anna, "piet": piet, "eve": eve}


def _new(sender, n: int, cc: str = "", **headers) -> Ticket:
    extra = {"Cc": cc} if cc else {}
    result = ingest(mail(sender=sender, subject="Orders stuck", message_id=f"<n{n}@northwind.test>",
                         body="No orders since this morning.", headers={**extra, **headers}))
    assert result.outcome == "created", result
    return Ticket.objects.get(pk=result.ticket)


def test_cc_contacts_of_the_organisation_follow_a_new_request_and_strangers_do_not(northwind):
    coord, anna, eve = northwind["coord"], northwind["anna"], northwind["eve"]
    ticket = _new(coord.email, 1, cc=f"Anna <{anna.email}>, PIET@northwind.test, {eve.email}, "
                                     f"boss@gmail.test, {coord.email}, support@vendor.test")
    assert sorted(x.email for x in followers.listed(ticket)) == [anna.email, "piet@northwind.test"]
    assert {x.source for x in followers.listed(ticket)} == {"cc"}
    refused = TicketEvent.objects.get(ticket=ticket, kind="cc_not_followed").data["addresses"]
    assert refused == [eve.email, "boss@gmail.test", "support@vendor.test"]


def test_a_cc_on_a_mail_that_may_not_write_into_the_request_adds_nobody(northwind):
    """A stranger answering another organisation's request with Cc: a new request in triage,
    and the Cc'd contacts follow neither."""
    ticket = _new(northwind["coord"].email, 2)
    reply = ingest(mail(sender="mallory@elsewhere.test", subject=f"Re: [#{ticket.pk}] Orders stuck",
                        message_id="<m1@elsewhere.test>", headers={"Cc": northwind["anna"].email}))
    assert reply.outcome == "created" and reply.ticket != ticket.pk
    assert not Follower.objects.exists()
    # Nor does an unknown sender's own request take followers (it has no organisation yet).
    assert Ticket.objects.get(pk=reply.ticket).organisation is None


def test_a_cc_on_a_reply_adds_followers_and_a_batch_with_cc_takes_the_same_path(northwind):
    coord, anna = northwind["coord"], northwind["anna"]
    ticket = _new(coord.email, 3)
    reply = ingest(mail(sender=coord.email, subject=f"Re: [#{ticket.pk}] Orders stuck", message_id="<r3@x.test>",
                        body="Anna reads along.", headers={"Cc": anna.email}))
    assert reply.outcome == "appended"
    assert [x.email for x in followers.listed(ticket)] == [anna.email]
    [batched] = ingest_many([(mail(sender=coord.email, subject="Second", message_id="<b3@x.test>",
                                   headers={"Cc": "piet@northwind.test"}), "imap", None)])
    assert batched.outcome == "created"
    assert [x.email for x in followers.listed(Ticket.objects.get(pk=batched.ticket))] == ["piet@northwind.test"]


def test_followers_get_public_replies_with_files_in_their_language_and_no_notes(northwind, smtp_sink, file_storage):
    coord, anna, piet = northwind["coord"], northwind["anna"], northwind["piet"]
    ticket = _new(coord.email, 4, cc=f"{anna.email}, {piet.email}")
    smtp_sink.wait_for(1)  # the confirmation to the reporter
    smtp_sink.messages.clear()
    agent = f.staff_user()
    add_message(ticket, "Internal: check the connector.", author=agent, public=False)
    with transaction.atomic():  # as the console's reply: the files in the reply's transaction
        message = add_message(ticket, "We restarted the connector.", author=agent)
        keep_uploads(message, [SimpleUploadedFile("log.txt", b"connector restarted\n", "text/plain"),
                               SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\nfake", "image/png")])
    sent = smtp_sink.wait_for(3)
    assert sorted(m["To"] for m in sent) == sorted([coord.email, anna.email, "piet@northwind.test"])
    by_to = {m["To"]: m for m in sent}
    assert "verzoek" in by_to[anna.email].get_body(("plain",)).get_content()  # Anna reads Dutch
    assert "request" in by_to[coord.email].get_body(("plain",)).get_content()
    for m in sent:
        assert "Internal" not in m.as_string()
        files = {part.get_filename(): part.get_content() for part in m.iter_attachments()}
        assert files["log.txt"].replace("\r\n", "\n") == "connector restarted\n"  # a text part's lines end in CRLF
        assert files["shot.png"] == b"\x89PNG\r\n\x1a\nfake" and len(files) == 2
        assert m["References"]  # threaded like the reporter's mail
    assert OutboundMail.objects.filter(ticket=ticket, kind="reply").count() == 3


def test_files_over_the_mail_limit_are_named_instead_of_attached(northwind, smtp_sink, file_storage, settings):
    settings.MELDPUNT_MAIL_ATTACHMENT_BYTES = 10
    ticket = _new(northwind["coord"].email, 5)
    smtp_sink.wait_for(1)
    smtp_sink.messages.clear()
    with transaction.atomic():
        message = add_message(ticket, "See the report.", author=f.staff_user())
        keep_uploads(message, [SimpleUploadedFile("report.pdf", b"%PDF-1.4 too large for this limit", "application/pdf")])
    [sent] = smtp_sink.wait_for(1)
    assert list(sent.iter_attachments()) == []
    assert "Not attached (too large for mail; see the portal): report.pdf" in sent.get_body(("plain",)).get_content()
    northwind["coord"].__class__.objects.filter(pk=northwind["coord"].pk).update(language="nl")  # reads Dutch now
    smtp_sink.messages.clear()
    with transaction.atomic():
        message = add_message(ticket, "Zie het rapport.", author=f.staff_user())
        keep_uploads(message, [SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 too large for this limit", "application/pdf")])
    [sent] = smtp_sink.wait_for(1)
    assert "Niet bijgevoegd (te groot voor e-mail; zie het portaal): rapport.pdf" in sent.get_body(("plain",)).get_content()


def test_a_follower_answers_by_mail_and_a_deactivated_one_gets_nothing(northwind, smtp_sink):
    coord, anna = northwind["coord"], northwind["anna"]
    ticket = _new(coord.email, 6, cc=anna.email)
    answer = ingest(mail(sender=anna.email, subject=f"Re: [#{ticket.pk}] Orders stuck", message_id="<a6@x.test>",
                         body="It works again here."))
    assert (answer.outcome, answer.ticket) == ("appended", ticket.pk)
    anna.user.is_active = False
    anna.user.save()
    assert followers.recipients(ticket) == []
    again = ingest(mail(sender=anna.email, subject=f"Re: [#{ticket.pk}] Orders stuck", message_id="<a7@x.test>"))
    assert again.outcome == "created"  # no longer writes into it


def test_agents_and_the_coordinator_add_and_remove_followers_within_the_rules(northwind):
    coord, anna, eve = northwind["coord"], northwind["anna"], northwind["eve"]
    ticket = _new(coord.email, 8)
    agent = f.staff_user()
    with pytest.raises(FollowerError, match="only contacts"):
        followers.add(ticket, eve.email, by=coord.user, source="coordinator")
    with pytest.raises(FollowerError, match="confirm"):
        followers.add(ticket, "partner@consult.test", by=agent)
    outside = followers.add(ticket, "Partner@Consult.test", by=agent, outside=True)
    assert (outside.email, outside.contact, outside.source) == ("partner@consult.test", None, "agent")
    with pytest.raises(FollowerError, match="reporter"):
        followers.add(ticket, coord.email, by=agent)
    added = followers.add(ticket, anna.email, by=coord.user, source="coordinator")
    assert added.contact == anna and added.language == "nl"
    with pytest.raises(FollowerError, match="already"):
        followers.add(ticket, anna.email.upper(), by=agent)
    assert followers.remove(ticket, added.pk, by=agent) is True
    assert followers.remove(ticket, added.pk, by=agent) is False
    kinds = list(TicketEvent.objects.filter(ticket=ticket, kind__startswith="follower").values_list("kind", "data__email"))
    assert kinds == [("follower_added", "partner@consult.test"), ("follower_added", anna.email),
                     ("follower_removed", anna.email)]
    assert Message.objects.filter(ticket=ticket).count() == 0
