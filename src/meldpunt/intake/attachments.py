"""Attachment bytes in the database, in chunks, and the quotas that keep them cheap.

Why chunks in their own table: a thread lists its attachments (name, size) on every view,
and a web process must never hold a whole upload or download in memory (ten 24 MB files
once took a process past 2 GB). :class:`~meldpunt.intake.models.AttachmentChunk` rows of
at most :data:`CHUNK_BYTES` are written one at a time from the upload's temporary file and
read one query at a time for a download, the same on PostgreSQL and SQLite. The database
stays the only store: web processes are stateless and may run on several hosts.

Quotas (settings, docs/intake.md): one file at most ``MELDPUNT_MAX_ATTACHMENT_BYTES``; a
request (ticket) at most ``MELDPUNT_TICKET_ATTACHMENT_COUNT`` files and
``MELDPUNT_TICKET_ATTACHMENT_BYTES``; an organisation at most
``MELDPUNT_DAILY_ATTACHMENT_COUNT`` files and ``MELDPUNT_DAILY_ATTACHMENT_BYTES`` in 24
hours (mail from unknown senders shares one such quota). They are soft under concurrency:
two requests at the same moment may each take the last room.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from meldpunt.core.filenames import safe_filename
from meldpunt.intake.models import Attachment, AttachmentChunk
from meldpunt.intake.parsing import clean_text

#: Bytes per stored chunk: what a web process holds of a file at a time.
CHUNK_BYTES = 1024 * 1024
OCTET_STREAM = "application/octet-stream"
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,47}/[a-z0-9][a-z0-9!#$&^_.+-]{0,47}$")
#: Types a browser may run as a page or script; downloaded as plain bytes instead.
_ACTIVE = ("html", "xml", "javascript", "ecmascript", "svg")


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    ticket_count: int
    ticket_bytes: int
    daily_count: int
    daily_bytes: int


def limits() -> Limits:
    return Limits(
        file_bytes=settings.MELDPUNT_MAX_ATTACHMENT_BYTES,
        ticket_count=settings.MELDPUNT_TICKET_ATTACHMENT_COUNT,
        ticket_bytes=settings.MELDPUNT_TICKET_ATTACHMENT_BYTES,
        daily_count=settings.MELDPUNT_DAILY_ATTACHMENT_COUNT,
        daily_bytes=settings.MELDPUNT_DAILY_ATTACHMENT_BYTES,
    )


def _usage(attachments) -> tuple[int, int]:
    found = attachments.filter(too_large=False).aggregate(count=Count("id"), size=Sum("size"))
    return found["count"], found["size"] or 0


class Budget:
    """The room a ticket has left for files: its own quota and its organisation's of the
    last 24 hours, whichever is smaller. :meth:`take` answers why a file does not fit."""

    def __init__(self, *, ticket_id: int | None, organisation_id: int | None):
        self.limits = limits()
        used_count, used_bytes = (0, 0) if ticket_id is None else _usage(Attachment.objects.filter(message__ticket_id=ticket_id))
        self.ticket_count = self.limits.ticket_count - used_count
        self.ticket_bytes = self.limits.ticket_bytes - used_bytes
        today = Attachment.objects.filter(created_at__gte=timezone.now() - timedelta(hours=24))
        if organisation_id is None:  # strangers' mail: one quota for them all
            today = today.filter(message__ticket__organisation__isnull=True)
        else:
            today = today.filter(message__ticket__organisation_id=organisation_id)
        used_count, used_bytes = _usage(today)
        self.daily_count = self.limits.daily_count - used_count
        self.daily_bytes = self.limits.daily_bytes - used_bytes

    @classmethod
    def for_ticket(cls, ticket) -> Budget:
        return cls(ticket_id=ticket.pk, organisation_id=ticket.organisation_id)

    def take(self, size: int) -> str:
        """"" when a file of ``size`` bytes fits (its room is then taken), else the reason
        it is held: ``size``, ``ticket_quota`` or ``daily_quota`` (Attachment.HELD)."""
        if size > self.limits.file_bytes:
            return "size"
        if self.ticket_count < 1 or size > self.ticket_bytes:
            return "ticket_quota"
        if self.daily_count < 1 or size > self.daily_bytes:
            return "daily_quota"
        self.ticket_count, self.ticket_bytes = self.ticket_count - 1, self.ticket_bytes - size
        self.daily_count, self.daily_bytes = self.daily_count - 1, self.daily_bytes - size
        return ""


def safe_content_type(value: str | None) -> str:
    """A bare ``type/subtype`` (no parameters, no header tricks) or application/octet-stream."""
    value = (value or "").split(";", 1)[0].strip().lower()
    return value if _MEDIA_TYPE.match(value) else OCTET_STREAM


def download_content_type(value: str) -> str:
    """The stored type, unless a browser could run it (HTML, SVG, XML, scripts)."""
    value = safe_content_type(value)
    return OCTET_STREAM if any(word in value for word in _ACTIVE) else value


@transaction.atomic
def store(message, *, filename: str, content_type: str | None, pieces: Iterable[bytes]) -> Attachment:
    """Keep a file on ``message``: its row, then its bytes in chunks as ``pieces`` yields
    them (an upload's ``chunks()``), so at most one chunk is in memory beyond the source's."""
    attachment = Attachment.objects.create(
        message=message, filename=safe_filename(clean_text(filename or "")),
        content_type=safe_content_type(content_type), size=0,
    )
    size, seq, buffer = 0, 0, bytearray()
    for piece in pieces:
        size += len(piece)
        buffer += piece
        while len(buffer) >= CHUNK_BYTES:
            AttachmentChunk.objects.create(attachment=attachment, seq=seq, data=bytes(buffer[:CHUNK_BYTES]))
            del buffer[:CHUNK_BYTES]
            seq += 1
    if buffer:
        AttachmentChunk.objects.create(attachment=attachment, seq=seq, data=bytes(buffer))
    attachment.size = size
    attachment.save(update_fields=["size"])
    return attachment


def store_bytes(message, *, filename: str, content_type: str | None, data: bytes) -> Attachment:
    view = memoryview(data)
    return store(message, filename=filename, content_type=content_type,
                 pieces=(view[start:start + CHUNK_BYTES] for start in range(0, len(view), CHUNK_BYTES)))


def hold(message, *, filename: str, content_type: str | None, size: int, reason: str) -> Attachment:
    """Record a file that stays inside the raw message, and why (shown in the thread)."""
    return Attachment.objects.create(
        message=message, filename=safe_filename(clean_text(filename or "")),
        content_type=safe_content_type(content_type), size=size, too_large=True, held=reason,
    )


def chunks(attachment: Attachment) -> Iterator[bytes]:
    """The bytes of ``attachment`` in order, one short query per chunk: no cursor stays
    open while the client reads, and memory holds one chunk."""
    rows = AttachmentChunk.objects.filter(attachment_id=attachment.pk)
    seq = 0
    while True:
        data = rows.filter(seq=seq).values_list("data", flat=True).first()
        if data is None:
            return
        yield bytes(data)
        seq += 1


def content(attachment: Attachment) -> bytes:
    """All bytes at once: for tests and small files only."""
    return b"".join(chunks(attachment))
