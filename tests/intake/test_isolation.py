"""One bad message never stops intake: whatever fails for one message — over a limit, a real
database error while registering it — quarantines that message raw with its reason and the
rest goes on, one by one and in a batch. Only when not even the quarantine can be written is
the message "failed": not flagged in IMAP (fetched again), reported by ingest-mail (exit 1).
Real database errors (a statement the database refuses, a trigger refusing a row), no mocks."""

import json
import logging

import pytest
from django.db import connection, transaction

from meldpunt.cli import main
from meldpunt.intake import imap
from meldpunt.intake.bulk import ingest_many
from meldpunt.intake.models import InboundMail, Mailbox
from meldpunt.intake.services import ingest
from meldpunt.tickets import signals
from meldpunt.tickets.models import Ticket
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "x" * 300 + "@devries.test"


@pytest.fixture
def jan():
    return f.mail_sender("medium", addons=["premium"])


def jans(n: int, **kw) -> bytes:
    return mail(message_id=f"<iso-{n}@devries.test>", subject=kw.pop("subject", f"Storing {n}"), **kw)


@pytest.fixture
def poison():
    """A ticket whose subject says "poison" makes the database refuse a statement while it
    is registered (PostgreSQL then refuses everything else in that transaction)."""
    def refuse(sender, ticket, **kwargs):
        if "poison" in ticket.subject:
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO meldpunt_no_such_table VALUES (1)")

    signals.ticket_created.connect(refuse, dispatch_uid="test-poison")
    yield
    signals.ticket_created.disconnect(dispatch_uid="test-poison")


@pytest.fixture
def refused_key():
    """The database refuses every inbound-mail row whose key names "refused" (a trigger): not
    even a quarantine can be written for such a message. Calling the fixture drops it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("""CREATE FUNCTION refuse_inbound() RETURNS trigger AS $$ BEGIN
                IF NEW.key LIKE '%refused%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                RETURN NEW; END $$ LANGUAGE plpgsql""")
            cursor.execute("CREATE TRIGGER refuse_inbound BEFORE INSERT ON intake_inboundmail "
                           "FOR EACH ROW EXECUTE FUNCTION refuse_inbound()")
        else:
            cursor.execute("CREATE TRIGGER refuse_inbound BEFORE INSERT ON intake_inboundmail "
                           "WHEN NEW.key LIKE '%refused%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")

    def drop():
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS refuse_inbound" + (" ON intake_inboundmail" if connection.vendor == "postgresql" else ""))
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION IF EXISTS refuse_inbound()")

    yield drop
    drop()


def test_a_sender_address_longer_than_the_column_is_quarantined_and_the_batch_goes_on(jan, smtp_sink):
    raws = [jans(1), mail(sender=f"Flood <{LONG}>", message_id="<long@flood.test>"), jans(2)]
    results = ingest_many([(raw, f"test:{i}", None) for i, raw in enumerate(raws)])
    assert [r.outcome for r in results] == ["created", "quarantined", "created"]
    kept = InboundMail.objects.get(outcome="quarantined")
    assert bytes(kept.raw) == raws[1] and kept.reason.startswith("over a limit: sender address of 313 characters")
    assert Ticket.objects.count() == 2
    again = ingest(raws[1])  # a second delivery is recognised
    assert again.duplicate and again.outcome == "quarantined" and InboundMail.objects.count() == 3


def test_a_database_error_while_registering_quarantines_that_mail_only(jan, smtp_sink, poison):
    raws = [jans(1), jans(2, subject="poison in the batch"), jans(3)]
    results = ingest_many([(raw, "test", None) for raw in raws])  # the group fails: one by one
    assert [r.outcome for r in results] == ["created", "quarantined", "created"]
    kept = InboundMail.objects.get(outcome="quarantined")
    assert kept.key == "<iso-2@devries.test>" and kept.sender == "jan@devries.test" and bytes(kept.raw) == raws[1]
    assert kept.reason.startswith("could not be registered: ") and "meldpunt_no_such_table" in kept.reason
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Storing 1", "Storing 3"]  # rolled back


def test_inside_a_callers_transaction_one_mails_database_error_does_not_poison_the_next(jan, smtp_sink, poison):
    with transaction.atomic():  # each message is a savepoint: PostgreSQL's transaction stays usable
        first = ingest(jans(1, subject="poison"))
        second = ingest(jans(2))
    assert (first.outcome, second.outcome) == ("quarantined", "created")
    assert Ticket.objects.get().subject == "Storing 2"


def test_when_not_even_the_quarantine_can_be_written_the_mail_is_failed_and_logged(jan, smtp_sink, refused_key, caplog):
    with caplog.at_level(logging.ERROR, logger="meldpunt.intake.services"):
        result = ingest(mail(message_id="<refused-1@devries.test>"), source="refused.eml")
    assert result.outcome == "failed" and not result.kept and "refused by the test" in result.reason
    assert not InboundMail.objects.exists() and not Ticket.objects.exists()
    assert "cannot keep <refused-1@devries.test>" in caplog.text
    assert ingest(jans(2), source="fine.eml").outcome == "created"  # the next one is not affected


def test_ingest_mail_exits_1_only_for_a_file_it_could_not_keep(jan, smtp_sink, refused_key, tmp_path, capsys):
    good, long_sender, refused = tmp_path / "good.eml", tmp_path / "long.eml", tmp_path / "refused.eml"
    good.write_bytes(jans(1))
    long_sender.write_bytes(mail(sender=LONG, message_id="<long@flood.test>"))
    refused.write_bytes(mail(message_id="<refused-2@devries.test>"))
    assert main(["ingest-mail", str(long_sender), str(good), "--json"]) == 0  # quarantined is kept
    assert main(["ingest-mail", str(refused), str(good), "--json"]) == 1
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [x["outcome"] for x in lines] == ["quarantined", "created", "failed", "duplicate"]
    assert lines[3]["ticket"] == lines[1]["ticket"] and "Traceback" not in err


def test_imap_leaves_a_mail_it_could_not_keep_unflagged_and_keeps_it_on_the_next_poll(
        jan, smtp_sink, dovecot, imap_folder, refused_key):
    host, port, user, password = dovecot
    folder, append, client = imap_folder
    box = Mailbox.objects.create(vendor="erpm", name="refused", host=host, port=port, use_ssl=False,
                                 username=user, password=password, folder=folder, reply_address="s@vendor.test")
    append(jans(1))
    append(mail(message_id="<refused-2@devries.test>", subject="Kept later"))
    append(jans(3))
    report = imap.poll(box)
    assert report.outcomes == {"created": 2, "failed": 1}
    box.refresh_from_db()
    assert "1 message(s) quarantined or not kept" in box.last_error and "refused by the test" in box.last_error
    assert box.last_error_at is not None
    client.select_folder(folder, readonly=True)
    assert len(client.search(["KEYWORD", "$Meldpunt"])) == 2
    refused_key()  # the database accepts it again
    second = imap.poll(box)
    assert second.outcomes == {"created": 1} and Ticket.objects.count() == 3
    client.select_folder(folder, readonly=True)
    assert len(client.search(["KEYWORD", "$Meldpunt"])) == 3 and imap.poll(box).fetched == 0


def test_nul_bytes_anywhere_are_stored_on_every_database(jan, smtp_sink):
    raw = (b"From: Jan\x00 de Vries <jan@devries.test>\r\nSubject: nul\x00here\r\nMessage-ID: <nul\x00@devries.test>\r\n"
           b"References: <a\x00b@x.test>\r\n\r\nbody \x00 with NUL\r\n")
    result = ingest(raw)
    assert result.outcome == "created"
    ticket = Ticket.objects.get(pk=result.ticket)
    assert (ticket.subject, ticket.description) == ("nulhere", "body  with NUL")
    assert InboundMail.objects.get().key == "<nul@devries.test>"
