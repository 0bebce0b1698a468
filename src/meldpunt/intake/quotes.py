"""The new part of a mail reply, without the quoted history under it.

Replies by mail carry everything said before (Outlook's "Van:/Verzonden:" block, Gmail's
"Op … schreef …:", "On … wrote:", lines starting with ">"). The thread shows only what the
customer wrote now; the whole text is kept (:class:`~meldpunt.intake.models.FullMail`) and
shown one click away. The cutting is done by mail-parser-reply (kept, MIT, Dutch and
English headers of the common mail programs), with two Dutch lines it misses added here:
Gmail's "Op <date> schreef <name> <address>:" and Apple Mail's "Op <date> heeft <name> het
volgende geschreven:". Nothing is ever cut to nothing: when no new text would remain, the
whole text is shown.
"""

from __future__ import annotations

import re

from mailparser_reply import EmailReplyParser

#: Longer texts are shown whole: the library's expressions are not meant for megabytes.
MAX_CHARS = 100_000
_PARSER = EmailReplyParser(languages=["nl", "en"])
#: Header lines of quoted mail the library does not know (Dutch Gmail and Apple Mail), and
#: a block of "> " lines that runs to the end of the text.
_MORE_HEADERS = re.compile(
    r"^[ \t]*(?:Op\s.{4,200}?\sschreef\s.{1,300}?:|Op\s.{4,200}?\sheeft\s.{1,300}?\shet volgende geschreven:)[ \t]*$"
    r"|^(?:>[^\n]*(?:\n|$))+\s*\Z",
    re.MULTILINE,
)


def new_part(text: str) -> str:
    """The reply without the quoted history; ``text`` itself when nothing is quoted, or when
    cutting would leave nothing."""
    if not text.strip() or len(text) > MAX_CHARS:
        return text
    try:
        reply = _PARSER.read(text).latest_reply or ""
    except Exception:  # a library error never loses a reply: show it whole
        reply = text
    match = _MORE_HEADERS.search(reply)
    if match:
        reply = reply[:match.start()]
    reply = reply.strip()
    return reply if reply else text


def split(text: str) -> tuple[str, str | None]:
    """``(shown, whole)``: the text to show, and the whole text when that differs (else None)."""
    shown = new_part(text)
    return (shown, None) if shown.strip() == text.strip() else (shown, text)
