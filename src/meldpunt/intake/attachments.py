"""Attachment files in the file storage, and the quotas that keep them cheap.

Why a storage and not the database: a thread lists its attachments (name, size) on every
view from the :class:`~meldpunt.intake.models.Attachment` row alone, and the bytes live in
``STORAGES["default"]`` (meldpunt.filestore): the local disk by default, S3-compatible object
storage when configured, so any number of web and worker hosts share them. A web process
never holds a whole upload or download in memory (ten 24 MB files once took a process past
2 GB): a file is written to the storage as its pieces arrive (an upload's ``chunks()``) and
read back in blocks of :data:`CHUNK_BYTES` for a download (``FileResponse``).

Quotas (settings, docs/intake.md): one file at most ``MELDPUNT_MAX_ATTACHMENT_BYTES``; a
request (ticket) at most ``MELDPUNT_TICKET_ATTACHMENT_COUNT`` files and
``MELDPUNT_TICKET_ATTACHMENT_BYTES``; an organisation at most
``MELDPUNT_DAILY_ATTACHMENT_COUNT`` files and ``MELDPUNT_DAILY_ATTACHMENT_BYTES`` in 24
hours (mail from unknown senders shares one such quota). They are soft under concurrency:
two requests at the same moment may each take the last room.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from meldpunt.core.filenames import safe_filename
from meldpunt.intake.models import Attachment
from meldpunt.intake.parsing import clean_text

#: Bytes read or written at a time: what a web process holds of a file.
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


def storage_name(now=None) -> str:
    """A new name in the storage: random, so it says nothing about the file or its ticket
    and never collides (``attachments/2026/12/<32 hex>``)."""
    now = now or timezone.now()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}"


class _Pieces(io.RawIOBase):
    """A read-only stream over an iterable of byte pieces, counting what passed through."""

    def __init__(self, pieces: Iterable[bytes]):
        self._pieces = iter(pieces)
        self._piece = memoryview(b"")
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not len(self._piece):
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._piece = memoryview(piece).cast("B")
            self.size += len(self._piece)
        count = min(len(buffer), len(self._piece))
        buffer[:count] = self._piece[:count]
        self._piece = self._piece[count:]
        return count


@transaction.atomic
def store(message, *, filename: str, content_type: str | None, pieces: Iterable[bytes]) -> Attachment:
    """Keep a file on ``message``: its bytes go to the storage as ``pieces`` yields them (an
    upload's ``chunks()``), so memory holds a piece and the storage's own buffer, never the
    file. Should the row not be written, the stored file is removed again."""
    attachment = Attachment(message=message, filename=safe_filename(clean_text(filename or "")),
                            content_type=safe_content_type(content_type), size=0)
    source = _Pieces(pieces)
    name = attachment.file.storage.save(storage_name(), File(io.BufferedReader(source, CHUNK_BYTES)))
    try:
        attachment.file.name, attachment.size = name, source.size
        attachment.save()
    except BaseException:
        attachment.file.storage.delete(name)
        raise
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


def open_file(attachment: Attachment):
    """The stored file, open for reading (a ``File``; the caller closes it)."""
    return attachment.file.storage.open(attachment.file.name, "rb")


def chunks(attachment: Attachment) -> Iterator[bytes]:
    """The bytes of ``attachment`` in order, :data:`CHUNK_BYTES` at a time."""
    with open_file(attachment) as stored:
        while piece := stored.read(CHUNK_BYTES):
            yield piece


def content(attachment: Attachment) -> bytes:
    """All bytes at once: for tests and small files only."""
    return b"".join(chunks(attachment))


def forget_file(sender, instance: Attachment, **kwargs) -> None:
    """``post_delete`` of an attachment: its stored file goes too, once the deletion is
    committed (a rolled-back deletion keeps the file its row still names)."""
    if instance.file.name:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(name), robust=True)
        # a PDF's first-page picture (meldpunt.intake.previews), when one was made
        transaction.on_commit(lambda: storage.delete(f"{name}.preview.png"), robust=True)
