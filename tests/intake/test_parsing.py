"""Reading raw mail: quirks of real-world messages, no database."""

import pytest

from meldpunt.intake.parsing import MAX_ATTACHMENT_BYTES, Unreadable, html_to_text, parse
from tests.support.samples import forwarded, mail, with_attachment


def test_plain_mail_gives_sender_subject_and_ticket_tag():
    parsed = parse(mail(subject="Re: [#123] Orders komen niet binnen"))
    assert parsed.sender == "jan@devries.test" and parsed.sender_name == "Jan de Vries"
    assert parsed.ticket_number == 123 and parsed.key == "<m-1@devries.test>"
    assert parsed.automatic is None


def test_missing_message_id_is_keyed_by_content_hash():
    one = parse(mail(message_id=None))
    assert one.key.startswith("sha256:") and one.key == parse(mail(message_id=None)).key
    assert one.key != parse(mail(message_id=None, body="other")).key


def test_html_only_mail_becomes_readable_text():
    parsed = parse(mail(content_type="text/html; charset=utf-8",
                        body="<html><head><style>p{color:red}</style></head><body><p>Hallo</p><p>Fout &amp; crash</p><script>x()</script></body></html>"))
    assert parsed.body == "Hallo\nFout & crash"
    assert html_to_text("<div>a<br>b</div>") == "a\nb"


def test_wrong_charset_label_does_not_lose_the_text():
    mislabelled = parse(mail(content_type="text/plain; charset=utf-8", body="Café geen ümlaut", encoding="latin-1"))
    assert "Caf" in mislabelled.body and "mlaut" in mislabelled.body
    unknown = parse(mail(content_type="text/plain; charset=x-no-such-charset", body="Storing in module"))
    assert unknown.body == "Storing in module"


def test_malformed_mime_is_read_as_far_as_possible():
    broken = mail(content_type='multipart/mixed; boundary="never-closed"', body="--never-closed\r\nContent-Type: text/plain\r\n\r\nhalf a mail")
    parsed = parse(broken)
    assert "half a mail" in parsed.body


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"\x00\x01\x02 not a mail at all", "no message headers"),
    (b"Subject: no sender\r\n\r\nbody", "no sender"),
])
def test_unreadable_bytes_raise_with_a_reason(raw, reason):
    with pytest.raises(Unreadable, match=reason):
        parse(raw)


@pytest.mark.parametrize("headers, sender, expected", [
    ({"Auto-Submitted": "auto-replied"}, "jan@devries.test", "Auto-Submitted"),
    ({"Precedence": "bulk"}, "jan@devries.test", "Precedence"),
    ({"X-Autoreply": "yes"}, "jan@devries.test", "X-Autoreply"),
    ({"List-Id": "<users.lists.test>"}, "jan@devries.test", "List-Id"),
    ({"Return-Path": "<>"}, "jan@devries.test", "Return-Path"),
    ({}, "MAILER-DAEMON@mx.devries.test", "mailer-daemon"),
])
def test_machine_mail_is_recognised(headers, sender, expected):
    parsed = parse(mail(sender=sender, headers=headers))
    assert parsed.automatic and expected.lower() in parsed.automatic.lower()


def test_auto_submitted_no_is_a_person():
    assert parse(mail(headers={"Auto-Submitted": "no"})).automatic is None


def test_attachments_are_kept_and_huge_ones_flagged():
    small = parse(with_attachment(1000))
    assert [(a.filename, len(a.data), a.too_large) for a in small.attachments] == [("log.txt", 1000, False)]
    huge = parse(with_attachment(MAX_ATTACHMENT_BYTES + 1, message_id="<huge@devries.test>"))
    assert huge.attachments[0].too_large and huge.attachments[0].data == b""
    assert huge.body == "Zie bijlage."


def test_forward_carries_the_original_message():
    parsed = parse(forwarded(mail()))
    assert parsed.forwarded is not None
    assert parsed.body == "Kwam binnen in mijn eigen mailbox."


def test_nul_characters_are_removed_so_any_database_can_store_the_text():
    parsed = parse(mail(subject="Fout\x00code", body="regel\x00 een"))
    assert parsed.subject == "Foutcode" and parsed.body == "regel een"
