"""Hostile and messy mail through a real Dovecot folder, registered by ``imap.poll`` on the
real database (run on SQLite and PostgreSQL: the over-long sender only ever broke the
latter). Every message ends with exactly one InboundMail row (nothing lost, nothing
doubled), intake goes on past every bad one, every message is flagged, a second poll
changes nothing, and with every flag removed a third poll finds only duplicates.

What is tried (``pytest -s`` prints the counts per outcome):

==========================================================  ====  =================
mail                                                         n    outcome
==========================================================  ====  =================
plain new requests from a contact                            2    created
over-long From display name / subject / Message-ID           3    created (cut)
500 References (one over-long) and an unknown In-Reply-To    1    created
NUL bytes in subject and body                                1    created
bad charset label; latin-1 body labelled UTF-8               2    created
broken MIME: unclosed boundary; multipart without one        2    created
8-bit (latin-1) headers                                      1    created
CR/LF injection in an encoded subject                        1    created
HTML only                                                    1    created
3,000 header fields                                          1    created
an attachment with a 400-character file name                 1    created
a Date no calendar has                                       1    created
the same message twice; another reusing its Message-ID       3    created + 2 duplicate
replies (In-Reply-To our confirmation; [#N] in the subject)  2    appended
a stranger writing [#N] into someone's ticket                1    created (new)
an auto-reply                                                1    ignored
sender address of 313 characters                             1    quarantined
sender address with a control character / 8-bit bytes        2    quarantined
no From; not a mail at all                                   2    quarantined
a forged flood of 40 from one address (limit 30)             40   30 created + 10 held
25 different unknown senders                                 25   created
==========================================================  ====  =================

94 messages in the folder: 92 rows (two are repeats); confirmations to unknown senders stop at the overall
limit (set to 20 here) and at 3 for the flooding address.
"""

import base64
from collections import Counter

import pytest

from meldpunt.contracts.models import Contact
from meldpunt.intake import imap
from meldpunt.intake.models import InboundMail, Mailbox, OutboundMail
from meldpunt.intake.services import ingest
from meldpunt.tickets.models import Ticket
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db(transaction=True)

JAN = "Jan de Vries <jan@devries.test>"


def _raw(headers: str, body: bytes = b"Er gaat iets mis.\r\n") -> bytes:
    return headers.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body


def _hostile(ticket: Ticket, confirmation_id: str) -> list[tuple[str, bytes, str]]:
    """(what, raw bytes, expected outcome of its first poll)."""
    n = ticket.pk
    attachment = base64.b64encode(b"log line\n" * 10).decode()
    cases = [
        ("plain 1", mail(sender=JAN, message_id="<h-1@devries.test>"), "created"),
        ("plain 2", mail(sender=JAN, message_id="<h-2@devries.test>", subject="Tweede storing"), "created"),
        ("long From name", mail(sender=f"{'Jan ' * 250}<jan@devries.test>", message_id="<h-3@devries.test>"), "created"),
        ("long subject", mail(sender=JAN, subject="Storing " * 250, message_id="<h-4@devries.test>"), "created"),
        ("long Message-ID", mail(sender=JAN, message_id="<" + "m" * 600 + "@devries.test>"), "created"),
        ("long References", mail(sender=JAN, message_id="<h-6@devries.test>", headers={
            "References": " ".join(f"<ref-{i}@elsewhere.test>" for i in range(500)) + " <" + "r" * 400 + "@x.test>",
            "In-Reply-To": "<nobody-knows@elsewhere.test>"}), "created"),
        ("NUL bytes", _raw("From: jan@devries.test\nSubject: nul\x00here\nMessage-ID: <h-7@devries.test>\n",
                           b"body with \x00 NUL\r\n"), "created"),
        ("unknown charset", mail(sender=JAN, message_id="<h-8@devries.test>",
                                 content_type="text/plain; charset=x-no-such-charset"), "created"),
        ("latin-1 labelled utf-8", mail(sender=JAN, message_id="<h-9@devries.test>", body="Café",
                                         encoding="latin-1"), "created"),
        ("unclosed boundary", mail(sender=JAN, message_id="<h-10@devries.test>",
                                   content_type='multipart/mixed; boundary="open"',
                                   body="--open\r\nContent-Type: text/plain\r\n\r\nhalf a mail"), "created"),
        ("multipart without boundary", mail(sender=JAN, message_id="<h-11@devries.test>",
                                            content_type="multipart/mixed", body="no parts at all"), "created"),
        ("8-bit headers", _raw("From: J\xf6rg M\xfcller <jorg@muller.test>\nSubject: Gr\xf6\xdfe \xe4rger\n"
                               "Message-ID: <h-12@muller.test>\n"), "created"),
        ("CR/LF injection", _raw("From: jan@devries.test\nSubject: =?utf-8?q?Hallo=0D=0ABcc:_all@victim.test?=\n"
                                 "Message-ID: <h-13@devries.test>\n"), "created"),
        ("HTML only", mail(sender=JAN, message_id="<h-14@devries.test>", content_type="text/html; charset=utf-8",
                           body="<p>Fout <b>42</b></p><script>alert(1)</script>"), "created"),
        ("3,000 headers", mail(sender=JAN, message_id="<h-15@devries.test>",
                               headers={f"X-Noise-{i}": "x" * 40 for i in range(3000)}), "created"),
        ("long file name", _raw(
            "From: jan@devries.test\nSubject: bijlage\nMessage-ID: <h-16@devries.test>\nMIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="b"\n',
            ("--b\r\nContent-Type: text/plain\r\n\r\nzie bijlage\r\n--b\r\nContent-Type: text/plain\r\n"
             f'Content-Disposition: attachment; filename="{"log" * 133}.txt"\r\n'
             f"Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--b--\r\n").encode()), "created"),
        ("impossible Date", mail(sender=JAN, message_id="<h-17@devries.test>",
                                 headers={"Date": "Mon, 99 Foo 99999 99:99:99 +9999"}), "created"),
        ("sent twice", mail(sender=JAN, message_id="<h-18@devries.test>", subject="Twee keer"), "created"),
        ("sent twice (again)", mail(sender=JAN, message_id="<h-18@devries.test>", subject="Twee keer"), "duplicate"),
        ("reused Message-ID", mail(sender=JAN, message_id="<h-1@devries.test>", subject="Other text"), "duplicate"),
        ("reply to our confirmation", mail(sender=JAN, message_id="<h-20@devries.test>", subject="Re: bevestiging",
                                           headers={"In-Reply-To": confirmation_id}), "appended"),
        ("[#N] in the subject", mail(sender=JAN, message_id="<h-21@devries.test>", subject=f"Aanvulling [#{n}]"),
         "appended"),
        ("stranger writes [#N]", mail(sender="mallory@evil.test", message_id="<h-22@evil.test>",
                                      subject=f"Re: [#{n}]"), "created"),
        ("auto-reply", mail(sender=JAN, message_id="<h-23@devries.test>", headers={"Auto-Submitted": "auto-replied"}),
         "ignored"),
        ("313-character sender", mail(sender="x" * 300 + "@devries.test", message_id="<h-24@flood.test>"),
         "quarantined"),
        ("control character in address", _raw("From: ja\x01n@devries.test\nSubject: x\nMessage-ID: <h-25@x.test>\n"),
         "quarantined"),
        ("8-bit bytes in address", _raw("From: j\xf6rg@m\xfcller.test\nSubject: x\nMessage-ID: <h-26@x.test>\n"),
         "quarantined"),
        ("no From", _raw("To: support@vendor.test\nSubject: who am I\nMessage-ID: <h-27@x.test>\n"), "quarantined"),
        ("not a mail", b"\x01\x02 this is no mail at all \xff\xfe\r\n", "quarantined"),
    ]
    cases += [(f"flood {i}", mail(sender="flood@attacker.test", message_id=f"<flood-{i}@attacker.test>",
                                  subject=f"Win {i}"), "created" if i < 30 else "held") for i in range(40)]
    cases += [(f"stranger {i}", mail(sender=f"someone{i}@many.test", message_id=f"<s-{i}@many.test>",
                                     subject=f"Vraag {i}"), "created") for i in range(25)]
    return cases


def _state() -> tuple[int, int, int, Counter]:
    return (InboundMail.objects.count(), Ticket.objects.count(), OutboundMail.objects.count(),
            Counter(InboundMail.objects.values_list("outcome", flat=True)))


def test_hostile_and_messy_mail_through_imap_loses_nothing_and_doubles_nothing(dovecot, imap_folder, smtp_sink,
                                                                              settings):
    settings.MELDPUNT_CONFIRM_UNKNOWN_PER_HOUR = 20
    host, port, user, password = dovecot
    folder, append, client = imap_folder
    org = f.organisation("Bakkerij De Vries", language="nl")
    Contact.objects.create(organisation=org, name="Jan de Vries", email="jan@devries.test", language="nl")
    f.agreement(org, "erpm", "medium", addons=["premium"])
    box = Mailbox.objects.create(vendor="erpm", name="support", host=host, port=port, use_ssl=False, username=user,
                                 password=password, folder=folder, reply_address="support@vendor.test")
    earlier = Ticket.objects.get(pk=ingest(mail(sender=JAN, message_id="<before@devries.test>")).ticket)
    confirmation = OutboundMail.objects.get(ticket=earlier, kind="confirmation").message_id

    cases = _hostile(earlier, confirmation)
    for _what, raw, _expected in cases:
        append(raw)
    client.select_folder(folder, readonly=True)
    assert len(client.search(["ALL"])) == len(cases) == 94  # Dovecot took every one of them

    report = imap.poll(box)
    expected = Counter(outcome for _, _, outcome in cases)
    print(f"\nhostile suite: {len(cases)} messages, first poll {dict(sorted(report.outcomes.items()))}")
    assert not report.error and report.fetched == len(cases)
    assert report.outcomes == expected
    rows, tickets, outbound, outcomes = _state()
    assert rows == 1 + len(cases) - expected["duplicate"]  # one row per distinct message (+ the earlier one)
    assert outcomes == Counter({**{k: v for k, v in expected.items() if k != "duplicate"},
                                "created": expected["created"] + 1})
    client.select_folder(folder, readonly=True)
    assert len(client.search(["KEYWORD", "$Meldpunt"])) == len(cases)  # every one flagged

    # what the bad ones left behind
    nul = InboundMail.objects.get(key="<h-7@devries.test>")  # Dovecot stores NUL as a 0x80 byte
    assert nul.subject in ("nulhere", "nul\ufffdhere") and "\x00" not in nul.ticket.description
    assert Ticket.objects.filter(subject="Hallo Bcc: all@victim.test").count() == 1
    assert len(Ticket.objects.get(inbound_mails__key="<h-4@devries.test>").subject) == 300
    long_sender, = [m for m in InboundMail.objects.filter(outcome="quarantined")
                    if m.reason.startswith("over a limit: sender address of 313")]
    assert b"x" * 300 + b"@devries.test" in bytes(long_sender.raw)
    assert earlier.messages.filter(from_customer=True).count() == 2  # the two replies, nothing from mallory
    unknown = OutboundMail.objects.filter(kind="confirmation", ticket__contact__isnull=True)
    assert unknown.count() == 20 and unknown.filter(to="flood@attacker.test").count() == 3
    # 57 new requests from strangers (mallory, jörg, 30 of the flood, 25 others): 20 confirmed
    assert sum("; not confirmed: " in m.reason for m in InboundMail.objects.defer("raw")) == 57 - 20

    assert imap.poll(box).fetched == 0 and _state() == (rows, tickets, outbound, outcomes)  # nothing changes

    client.select_folder(folder)
    client.remove_flags(client.search(["ALL"]), ["$Meldpunt"])  # as if every flag was lost
    again = imap.poll(box)
    print(f"hostile suite: every flag removed, third poll {dict(again.outcomes)}")
    assert again.outcomes == {"duplicate": len(cases)} and _state() == (rows, tickets, outbound, outcomes)

