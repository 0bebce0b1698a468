"""What may stand in a mail header: one line of printable text, of a sensible length.

Subjects, display names and titles come from people (a ticket's subject, an idea's title,
an organisation's name). A CR or LF in a header is a header injection ("Subject: x\\r\\nBcc:
…"), and Django refuses to send such a mail at all, so one careless title would make a mail
fail after its cause has committed. Every text that reaches a header of a mail Meldpunt
sends goes through :func:`header_text` (or :func:`header_address` for an address) before
the outbox row is written, and once more when the mail is sent.
"""

from __future__ import annotations

import unicodedata
from email.errors import HeaderParseError
from email.headerregistry import Address

#: Longest subject Meldpunt writes (the outbox columns hold 300): long enough for any real
#: subject, short enough for every mail client's list.
SUBJECT_LIMIT = 250
#: Longest display name (RFC 5322 recommends lines of at most 78 characters).
NAME_LIMIT = 78
#: Longest address a mail server accepts (RFC 5321: 64 + 1 + 255, in practice 254).
ADDRESS_LIMIT = 254
ELLIPSIS = "…"

# Control characters (C0, DEL, C1), line and paragraph separators, and lone surrogates
# (they cannot be encoded at all): each becomes a space, so words stay apart.
_BLANKED = frozenset(("Cc", "Zl", "Zp", "Cs"))


def header_text(value: object, limit: int | None = SUBJECT_LIMIT) -> str:
    """``value`` as one header line: controls and line breaks become spaces, runs of white
    space one space, and a text longer than ``limit`` is cut at a word where it can and ends
    in an ellipsis (the result is never longer than ``limit``; None: no limit)."""
    text = "".join(" " if unicodedata.category(ch) in _BLANKED else ch for ch in str(value or ""))
    text = " ".join(text.split())
    if limit is None or len(text) <= limit:
        return text
    cut = text[: max(limit - len(ELLIPSIS), 0)]
    word_end = cut.rfind(" ")
    if word_end > limit // 2:  # cut between words unless that loses half the text
        cut = cut[:word_end]
    return cut.rstrip() + ELLIPSIS


def header_address(value: object) -> str:
    """``value`` when it is one plain address (``name@domain``), else "": no spaces, no
    controls, no display name or second address smuggled in, at most 254 characters."""
    text = str(value or "").strip()
    if not text or len(text) > ADDRESS_LIMIT or "@" not in text:
        return ""
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in text):
        return ""
    try:
        parsed = Address(addr_spec=text)
    except (HeaderParseError, ValueError, IndexError, TypeError):
        return ""
    return text if parsed.addr_spec == text and parsed.domain else ""
