"""Every value of a mail is brought within its column's limit when the mail is parsed
(docs/intake.md, "Limits"): shortened where that is harmless, refused (quarantine) where no
real message could have it. No database here: parsing alone must guarantee it."""

import base64

import pytest

from meldpunt.intake.parsing import (
    MAX_ADDRESS,
    MAX_BODY_CHARS,
    MAX_MESSAGE_BYTES,
    MAX_THREAD_IDS,
    OverLimit,
    Unreadable,
    parse,
)
from tests.support.samples import mail

LONG_ADDRESS = "x" * 300 + "@flood.test"


def test_a_sender_address_longer_than_any_address_is_refused_with_its_reason():
    with pytest.raises(OverLimit, match=f"sender address of 311 characters; no address is longer than {MAX_ADDRESS}"):
        parse(mail(sender=f"Flood <{LONG_ADDRESS}>"))
    assert parse(mail(sender="a" * 64 + "@" + "b" * 189)).sender == "a" * 64 + "@" + "b" * 189  # 254 exactly


def test_an_address_with_control_characters_is_refused():
    raw = b"From: j\x01an@devries.test\r\nTo: s@v.test\r\nSubject: x\r\n\r\nbody\r\n"
    with pytest.raises(OverLimit, match="control characters"):
        parse(raw)


def test_long_names_and_subjects_are_shortened_on_one_line():
    parsed = parse(mail(sender=f"{'Jan ' * 100}<jan@devries.test>", subject="Storing " * 100))
    assert len(parsed.sender_name) == 200 and parsed.sender_name.endswith("…")
    assert len(parsed.subject) == 300 and parsed.subject.endswith("…")


def test_cr_lf_and_nul_never_reach_a_subject():
    injected = b"From: jan@devries.test\r\nSubject: =?utf-8?q?Hallo=0D=0ABcc:_all@victim.test=00?=\r\n\r\nbody\r\n"
    assert parse(injected).subject == "Hallo Bcc: all@victim.test"


def test_an_over_long_or_unstorable_message_id_is_keyed_by_its_hash_so_repeats_are_still_found():
    long_id = "<" + "a" * 400 + "@flood.test>"
    one, two = parse(mail(message_id=long_id, body="one")), parse(mail(message_id=long_id, body="two"))
    assert one.key.startswith("sha256:") and one.key == two.key and one.message_id is None
    nul = parse(b"From: jan@devries.test\r\nMessage-ID: <a\x00b@x.test>\r\nSubject: x\r\n\r\nbody\r\n")
    assert nul.key == "<ab@x.test>"  # the NUL (which PostgreSQL refuses) is dropped


def test_thread_ids_are_capped_keeping_the_first_and_the_latest():
    refs = " ".join(f"<r{i}@devries.test>" for i in range(500)) + " <" + "z" * 300 + "@x.test>"
    parsed = parse(mail(headers={"References": refs, "In-Reply-To": "<r499@devries.test>"}))
    assert len(parsed.references) == MAX_THREAD_IDS
    assert parsed.references[0] == "<r0@devries.test>" and parsed.references[-1] == "<r499@devries.test>"
    assert all(len(i) <= 255 for i in parsed.thread_ids)


def test_eight_bit_headers_in_a_wrong_charset_become_storable_text():
    raw = "From: Jörg <jorg@devries.test>\r\nSubject: Größe\r\n\r\nbody\r\n".encode("latin-1")
    parsed = parse(raw)
    assert parsed.sender == "jorg@devries.test"
    parsed.subject.encode("utf-8")  # no lone surrogates left: every database can store it
    parsed.sender_name.encode("utf-8")


def _with_file(filename: str, ctype: str = "application/pdf") -> bytes:
    data = base64.b64encode(b"%PDF").decode()
    return (
        "From: jan@devries.test\r\nSubject: file\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n'
        f'--b\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename="{filename}"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{data}\r\n--b--\r\n"
    ).encode()


def test_a_long_file_name_keeps_its_extension_and_a_long_content_type_becomes_octet_stream():
    [attachment] = parse(_with_file("rapport-" * 60 + ".pdf", "application/" + "x" * 200)).attachments
    assert len(attachment.filename) == 200 and attachment.filename.endswith("….pdf")
    assert attachment.content_type == "application/octet-stream"


def test_a_huge_body_is_shortened_and_a_huge_message_refused_unparsed():
    parsed = parse(mail(body="regel\n" * (MAX_BODY_CHARS // 3)))
    assert len(parsed.body) < MAX_BODY_CHARS + 100 and parsed.body.endswith("the whole text is in the raw message)")
    with pytest.raises(OverLimit, match="bytes; the limit is"):
        parse(b"From: jan@devries.test\r\n\r\n" + b"x" * MAX_MESSAGE_BYTES)


def test_over_limit_is_a_kind_of_unreadable():
    assert issubclass(OverLimit, Unreadable)
