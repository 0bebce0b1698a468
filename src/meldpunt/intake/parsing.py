"""Read a raw RFC 5322 message into plain data (stdlib ``email`` with ``policy.default``).

No Django here: the same function serves IMAP intake, ``meldpunt ingest-mail`` and the
agent's "forward a mail" form. A message that cannot be read raises :class:`Unreadable`,
and the caller keeps the raw bytes in quarantine — nothing is lost.

Every value is brought within the limits of the columns it ends up in *here*, so no
database (PostgreSQL refuses an over-long value or a NUL where SQLite stores it) ever sees
one: what is harmless to shorten (subject, names, file names, the body) is shortened;
what cannot belong to a real message (a sender address longer than any address can be)
raises :class:`OverLimit`, a kind of :class:`Unreadable`. docs/intake.md, "Limits".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

#: Largest attachment kept as a separate file; bigger ones stay inside the raw message.
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
#: Limits (docs/intake.md, "Limits"). A larger message is quarantined unparsed.
MAX_MESSAGE_BYTES = 50 * 1024 * 1024
MAX_ADDRESS = 254  # RFC 5321 §4.5.3.1.3 (a path of 256 with its brackets); every e-mail column
MAX_NAME = 200  # Contact.name
MAX_SUBJECT = 300  # Ticket.subject, InboundMail.subject
MAX_ID = 255  # InboundMail.key, OutboundMail.in_reply_to
MAX_THREAD_IDS = 50  # of In-Reply-To and References together: the first and the latest
MAX_FILENAME = 200  # Attachment.filename
MAX_CONTENT_TYPE = 100  # Attachment.content_type
MAX_ATTACHMENTS = 100
MAX_BODY_CHARS = 200_000  # the rest stays in the raw message
BODY_CUT = "\n\n[…] (shortened; the whole text is in the raw message)"
TICKET_TAG = re.compile(r"\[#(\d{1,12})\]")
_MSGID = re.compile(r"<[^<>\s]+>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Unreadable(ValueError):
    """The bytes are not a message we can read; the reason says why."""


class OverLimit(Unreadable):
    """A value no real message has (e.g. a sender address longer than an address can be)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    too_large: bool = False


@dataclass
class ParsedMail:
    key: str  # Message-ID, or sha256:<hex> of the raw bytes when it has none
    message_id: str | None
    sender: str  # lower-case address
    sender_name: str
    subject: str
    date: datetime | None
    body: str
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    automatic: str | None = None  # why it is an auto-reply/bounce/list mail, or None
    language_hint: str | None = None
    forwarded: EmailMessage | None = None  # an attached message/rfc822, for forwards
    cc: list[tuple[str, str]] = field(default_factory=list)  # (name, lower-case address), at most MAX_CC

    @property
    def ticket_number(self) -> int | None:
        match = TICKET_TAG.search(self.subject)
        return int(match.group(1)) if match else None

    @property
    def thread_ids(self) -> list[str]:
        return [*self.in_reply_to, *reversed(self.references)]


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parse(raw: bytes) -> ParsedMail:
    if not raw or not raw.strip():
        raise Unreadable("empty message")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise OverLimit(f"message of {len(raw)} bytes; the limit is {MAX_MESSAGE_BYTES}")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; anything it raises is fatal
        raise Unreadable(f"cannot parse: {exc}") from None
    defects = [d for d in message.defects if type(d).__name__ in ("MissingHeaderBodySeparatorDefect",)]
    if not _has_headers(message) or defects and not message.get("From"):
        raise Unreadable("no message headers found")
    try:
        sender_name, sender = _sender(message)
    except Exception as exc:
        raise Unreadable(f"unreadable From header: {exc}") from None
    if not sender:
        raise Unreadable("no sender address (From)")
    if len(sender) > MAX_ADDRESS:
        raise OverLimit(f"sender address of {len(sender)} characters; no address is longer than {MAX_ADDRESS}")
    if _CONTROL.search(sender) or " " in sender or "\ufffd" in sender:
        raise OverLimit("sender address with control characters or undecodable bytes")
    message_id, key = _message_key(message, raw)
    body, attachments, forwarded = _content(message)
    if len(attachments) > MAX_ATTACHMENTS:
        raise OverLimit(f"{len(attachments)} attachments; the limit is {MAX_ATTACHMENTS}")
    return ParsedMail(
        key=key,
        message_id=message_id,
        sender=sender,
        sender_name=fit(one_line(sender_name), MAX_NAME),
        subject=fit(one_line(_header(message, "Subject")), MAX_SUBJECT),
        date=_date(message),
        body=_cut_body(clean_text(body)),
        in_reply_to=_ids(message.get("In-Reply-To"))[:MAX_THREAD_IDS],
        references=_thread_ends(_ids(message.get("References"))),
        attachments=attachments,
        automatic=automatic_reason(message, sender),
        language_hint=_language(message),
        forwarded=forwarded,
        cc=_cc(message, sender),
    )


def parse_message(message: EmailMessage) -> ParsedMail:
    """Parse an already parsed message (e.g. the original inside a forward)."""
    return parse(message.as_bytes(policy=policy.default.clone(linesep="\r\n")))


def clean_text(text: str) -> str:
    """Text a database can store: NUL characters (PostgreSQL refuses them) removed, and
    undecodable bytes of an 8-bit header (kept by the parser as lone surrogates, which no
    database encodes) replaced by U+FFFD."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text.replace("\x00", "")


def one_line(text: str) -> str:
    """A header value on one line: NUL removed, other control characters (CR/LF, tabs…)
    become spaces."""
    return " ".join(_CONTROL.sub(" ", clean_text(text)).split())


def fit(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cut_body(body: str) -> str:
    return body if len(body) <= MAX_BODY_CHARS else body[:MAX_BODY_CHARS] + BODY_CUT


def _message_key(message: EmailMessage, raw: bytes) -> tuple[str | None, str]:
    """``(Message-ID, key)``. An over-long or unstorable Message-ID is keyed by its hash,
    so a second delivery of the same message is still recognised; none: the raw bytes'."""
    value = clean_text(str(message.get("Message-ID") or ""))
    found = _MSGID.search(value)
    if found is None:
        return None, f"sha256:{digest(raw)}"
    message_id = found.group(0)
    if len(message_id) > MAX_ID or _CONTROL.search(message_id):
        return None, f"sha256:{digest(message_id.encode('utf-8', 'replace'))}"
    return message_id, message_id


_KEY_HEADERS = frozenset(("from", "subject", "message-id", "date", "to"))


def _has_headers(message: EmailMessage) -> bool:
    # raw_items(): the raw values, without the policy parsing each header (which is slow)
    return any(name.lower() in _KEY_HEADERS and str(value).strip() for name, value in message.raw_items())


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:
        return ""
    return " ".join(str(value or "").split())


def _sender(message: EmailMessage) -> tuple[str, str]:
    pairs = getaddresses([str(message.get("From", ""))])
    for name, address in pairs:
        if "@" in address:
            return name.strip(), clean_text(address.strip().lower())
    return "", ""


#: Cc addresses read from one mail (more are ignored: they could only follow its request).
MAX_CC = 20


def _cc(message: EmailMessage, sender: str) -> list[tuple[str, str]]:
    """The Cc addresses of a mail (name, lower-case address): plain addresses only, each
    once, not the sender's own, at most :data:`MAX_CC`; an unreadable Cc header is no Cc."""
    try:
        pairs = getaddresses([str(value) for value in message.get_all("Cc", [])])
    except Exception:
        return []
    found: list[tuple[str, str]] = []
    for name, address in pairs:
        address = clean_text(address.strip().lower())
        if ("@" not in address or len(address) > MAX_ADDRESS or _CONTROL.search(address) or " " in address
                or "\ufffd" in address or address == sender or address in (a for _, a in found)):
            continue
        found.append((fit(one_line(name), MAX_NAME), address))
        if len(found) == MAX_CC:
            break
    return found


def _ids(value) -> list[str]:
    """The message ids in a header that could name a mail of ours (not over-long, no
    control characters); others cannot match and are left out."""
    if not value:
        return []
    return [i for i in _MSGID.findall(clean_text(str(value))) if len(i) <= MAX_ID and not _CONTROL.search(i)]


def _thread_ends(ids: list[str]) -> list[str]:
    """At most MAX_THREAD_IDS references: the thread's first mail and the latest ones, which
    are the ones that can name a ticket of ours."""
    return ids if len(ids) <= MAX_THREAD_IDS else ids[:1] + ids[-(MAX_THREAD_IDS - 1):]


def _date(message: EmailMessage) -> datetime | None:
    try:
        value = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return value if value and value.tzinfo else None


def automatic_reason(message: EmailMessage, sender: str) -> str | None:
    """Why this mail was sent by a machine (RFC 3834 and common practice), or None."""
    present = {name.lower() for name in message.keys()}  # cheap: no header parsing
    if "auto-submitted" in present:
        auto = _header(message, "Auto-Submitted").lower()
        if auto and auto != "no":
            return f"Auto-Submitted: {auto}"
    if "precedence" in present:
        precedence = _header(message, "Precedence").lower()
        if precedence in ("bulk", "junk", "list", "auto_reply"):
            return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id", "List-Unsubscribe", "Feedback-ID"):
        if name.lower() in present:
            return f"{name} header"
    if "return-path" in present and _header(message, "Return-Path") == "<>":
        return "empty Return-Path (bounce)"
    local = sender.split("@", 1)[0]
    if local in ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply"):
        return f"sent by {local}"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    return None


def _language(message: EmailMessage) -> str | None:
    value = _header(message, "Content-Language").lower()
    return value[:2] if value[:2] in ("nl", "en") else None


def _text(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError, KeyError):
        payload = part.get_payload(decode=True) or b""
        for charset in ("utf-8", "cp1252"):
            try:
                return payload.decode(charset)
            except UnicodeDecodeError:
                continue
        return payload.decode("latin-1")


def _content(message: EmailMessage) -> tuple[str, list[Attachment], EmailMessage | None]:
    """Body text, attachments and a forwarded original, without descending into the latter."""
    attachments: list[Attachment] = []
    plain: list[str] = []
    html: list[str] = []
    forwarded: list[EmailMessage] = []

    def visit(part: EmailMessage) -> None:
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                forwarded.append(inner[0])
            return
        if part.is_multipart():
            for sub in part.iter_parts():
                visit(sub)
            return
        disposition = part.get_content_disposition()
        if disposition != "attachment" and ctype == "text/plain":
            plain.append(_text(part))
        elif disposition != "attachment" and ctype == "text/html":
            html.append(_text(part))
        else:
            data = part.get_payload(decode=True) or b""
            name = _filename(part) or f"attachment-{len(attachments) + 1}"
            big = len(data) > MAX_ATTACHMENT_BYTES
            if len(ctype) > MAX_CONTENT_TYPE or _CONTROL.search(ctype):
                ctype = "application/octet-stream"
            attachments.append(Attachment(name, ctype, b"" if big else data, big))

    visit(message)
    body = "\n".join(p.strip() for p in plain if p.strip())
    if not body and html:
        body = html_to_text("\n".join(html))
    return body, attachments, forwarded[0] if forwarded else None


def _filename(part: EmailMessage) -> str:
    """The attachment's name on one line, shortened to the column with its extension kept."""
    try:
        name = one_line(str(part.get_filename() or ""))
    except Exception:  # a broken RFC 2231 parameter: the part gets a made-up name
        return ""
    if len(name) <= MAX_FILENAME:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and len(ext) <= 10:
        return fit(stem, MAX_FILENAME - len(ext) - 1) + "." + ext
    return fit(name, MAX_FILENAME)


class _TextExtractor(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text from an HTML-only mail (scripts and styles dropped)."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [" ".join(line.split()) for line in "".join(extractor.parts).splitlines()]
    return "\n".join(line for line in lines if line)
