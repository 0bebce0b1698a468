"""What may stand in a mail header: one line, no controls, a sensible length."""

from meldpunt.core.mailheaders import ELLIPSIS, SUBJECT_LIMIT, header_address, header_text


def test_line_breaks_and_controls_become_one_space():
    assert header_text("Orders\r\nBcc: x@evil.test") == "Orders Bcc: x@evil.test"
    assert header_text("a\x00b\x07c\x1bd\x7fe\x85f\u2028g\u2029h\ti") == "a b c d e f g h i"
    assert header_text("  lots   of\n\n space  ") == "lots of space"
    assert header_text(None) == "" and header_text(42) == "42"


def test_a_lone_surrogate_that_no_encoder_accepts_is_dropped():
    assert header_text("ab\ud800cd") == "ab cd"
    header_text("ab\ud800cd").encode("utf-8")  # would raise if it were kept


def test_long_text_is_cut_at_a_word_and_ends_in_an_ellipsis():
    text = header_text("word " * 100)
    assert len(text) <= SUBJECT_LIMIT and text.endswith("word" + ELLIPSIS)
    unbroken = header_text("x" * 400)
    assert len(unbroken) == SUBJECT_LIMIT and unbroken.endswith(ELLIPSIS)
    assert header_text("short", limit=5) == "short"
    assert header_text("x" * 20_000, limit=None) == "x" * 20_000


def test_only_one_plain_address_passes():
    assert header_address(" jan@devries.test ") == "jan@devries.test"
    for hostile in ("jan@devries.test\r\nBcc: x@evil.test", "Jan <jan@devries.test>", "a@b.test, c@d.test",
                    "a@b.test\x00", "no-at-sign", "a@", "@b.test", "a@b>c", "", None, "x" * 250 + "@b.test"):
        assert header_address(hostile) == "", hostile
