"""IMAP intake against a real Dovecot server: registered once, flagged after the commit."""

import os
import threading

import pytest
from django.db import connection

from meldpunt.contracts.models import Contact
from meldpunt.intake import imap
from meldpunt.intake.models import InboundMail, Mailbox
from meldpunt.tickets.models import Ticket
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mailbox(dovecot, imap_folder):
    host, port, user, password = dovecot
    folder, append, client = imap_folder
    org = f.organisation("Northwind", language="en")
    Contact.objects.create(organisation=org, name="Emma", email="emma@northwind.test", language="en")
    f.agreement(org, "invantive", "subscription")
    box = Mailbox.objects.create(vendor="invantive", name="support", host=host, port=port, use_ssl=False,
                                 username=user, password=password, folder=folder, reply_address="support@vendor.test")
    return box, append, client


def emma(n: int) -> bytes:
    return mail(sender="Emma <emma@northwind.test>", subject=f"Export fails {n}", body=f"itgenclr0{n} on export",
                message_id=f"<e-{n}@northwind.test>")


def flagged(client, folder) -> int:
    client.select_folder(folder, readonly=True)
    return len(client.search(["KEYWORD", "$Meldpunt"]))


def test_poll_registers_each_message_and_flags_it(mailbox, smtp_sink):
    box, append, client = mailbox
    for n in range(3):
        append(emma(n))
    report = imap.poll(box)
    assert report.fetched == 3 and report.outcomes == {"created": 3} and not report.error
    assert Ticket.objects.filter(channel="email").count() == 3
    assert flagged(client, box.folder) == 3
    assert imap.poll(box).fetched == 0  # flagged mail is not fetched again
    assert len(smtp_sink.wait_for(3)) == 3  # each reporter confirmed


def test_a_crash_between_commit_and_flag_loses_nothing_and_doubles_nothing(mailbox, smtp_sink):
    box, append, client = mailbox
    for n in range(3):
        append(emma(n))

    class Crash(BaseException):  # like a kill: not an error the poll handles
        pass

    calls = []

    def crash_on_second(uid, result):
        calls.append(uid)
        if len(calls) == 2:
            raise Crash("worker killed after the commit, before the flag")

    with pytest.raises(Crash):
        imap.poll(box, after_commit=crash_on_second)
    # The batch is committed (a fetch batch registers its plain new requests together), but
    # only the first message was flagged before the crash.
    assert Ticket.objects.count() == 3 and flagged(client, box.folder) == 1

    report = imap.poll(box)  # the restarted worker
    assert report.outcomes == {"duplicate": 2} and report.fetched == 2
    assert Ticket.objects.count() == 3 and InboundMail.objects.count() == 3
    assert flagged(client, box.folder) == 3


def test_handled_mail_moves_to_the_done_folder(mailbox, smtp_sink):
    box, append, client = mailbox
    client.create_folder(box.folder + "-done")
    box.done_folder = box.folder + "-done"
    box.save()
    append(emma(7))
    assert imap.poll(box).fetched == 1
    client.select_folder(box.folder, readonly=True)
    assert client.search(["ALL"]) == []
    client.select_folder(box.done_folder, readonly=True)
    assert len(client.search(["KEYWORD", "$Meldpunt"])) == 1


def test_wrong_password_is_reported_on_the_mailbox_not_raised(mailbox):
    box, _, _ = mailbox
    box.password = "wrong"
    report = imap.poll(box)
    box.refresh_from_db()
    assert report.error and "LoginError" in report.error
    assert box.last_error == report.error and box.last_polled_at is not None


def test_two_sharded_workers_split_a_mailbox_without_overlap(mailbox, smtp_sink):
    box, append, client = mailbox
    for n in range(6):
        append(emma(n))
    first = imap.poll(box, shard=(0, 2))
    second = imap.poll(box, shard=(1, 2))
    assert first.fetched == 3 and second.fetched == 3
    assert Ticket.objects.filter(channel="email").count() == 6
    assert imap.poll(box).fetched == 0


# Two readers at once need two database connections that see each other's commits: a server.
if os.environ.get("DATABASE_URL"):

    @pytest.mark.postgres
    def test_two_readers_of_one_mailbox_at_once_register_each_message_once(mailbox, smtp_sink):
        """Two intake processes without shards (or with overlapping ones) on one mailbox: both
        fetch the same unflagged messages before either flags them; the Message-ID, a unique
        key, lets only one registration stand, and each reporter is confirmed once."""
        box, append, client = mailbox
        for n in range(10):
            append(emma(n))
        both_fetched = threading.Barrier(2, timeout=30)
        reports = []

        def read() -> None:
            waited = []

            def meet(uid, result):  # after this reader's commit, before its flag
                if not waited:
                    waited.append(uid)
                    both_fetched.wait()

            try:
                reports.append(imap.poll(Mailbox.objects.get(pk=box.pk), after_commit=meet))
            finally:
                connection.close()

        readers = [threading.Thread(target=read) for _ in range(2)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(60)
        assert sorted(r.fetched for r in reports) == [10, 10]  # both read every message
        outcomes = reports[0].outcomes.copy()
        for key, count in reports[1].outcomes.items():
            outcomes[key] = outcomes.get(key, 0) + count
        assert outcomes == {"created": 10, "duplicate": 10}  # each message created by one of them
        assert Ticket.objects.filter(channel="email").count() == 10 and InboundMail.objects.count() == 10
        assert flagged(client, box.folder) == 10
        assert len(smtp_sink.wait_for(11, timeout=2)) == 10  # one confirmation each, no more
