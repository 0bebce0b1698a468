"""Attachment bytes move from AttachmentChunk rows into the file storage (issue #18 item 7):
each attachment's chunks are written, one query per chunk, as one file in
``STORAGES["default"]`` (the disk under $MELDPUNT_DATA/files, or the S3 bucket when
configured: set the storage variables before `meldpunt migrate`), and its name goes into the
new ``file`` column. 0010 then drops the chunk table. Backwards each file is read back into
chunks of 1 MiB and removed from the storage.

A file is written before its row names it; a migration stopped half-way leaves at most one
file no row names (harmless), and running it again moves the rest."""

import io
import uuid

from django.core.files import File
from django.core.files.storage import storages
from django.db import migrations, models
from django.utils import timezone

CHUNK_BYTES = 1024 * 1024


class _Chunks(io.RawIOBase):
    """The chunks of one attachment as a stream, read one query at a time."""

    def __init__(self, rows):
        self.rows, self.seq, self.piece = rows, 0, memoryview(b"")

    def readable(self):
        return True

    def readinto(self, buffer):
        while not len(self.piece):
            data = self.rows.filter(seq=self.seq).values_list("data", flat=True).first()
            if data is None:
                return 0
            self.piece, self.seq = memoryview(bytes(data)), self.seq + 1
        count = min(len(buffer), len(self.piece))
        buffer[:count] = self.piece[:count]
        self.piece = self.piece[count:]
        return count


def chunks_to_storage(apps, schema_editor):
    db = schema_editor.connection.alias
    Attachment = apps.get_model("intake", "Attachment")
    AttachmentChunk = apps.get_model("intake", "AttachmentChunk")
    storage = storages["default"]
    todo = Attachment.objects.using(db).filter(too_large=False, file="").order_by("pk")
    for pk, created_at in todo.values_list("pk", "created_at").iterator():
        rows = AttachmentChunk.objects.using(db).filter(attachment_id=pk)
        when = created_at or timezone.now()
        name = storage.save(f"attachments/{when:%Y/%m}/{uuid.uuid4().hex}",
                            File(io.BufferedReader(_Chunks(rows), CHUNK_BYTES)))
        Attachment.objects.using(db).filter(pk=pk).update(file=name)


def storage_to_chunks(apps, schema_editor):
    db = schema_editor.connection.alias
    Attachment = apps.get_model("intake", "Attachment")
    AttachmentChunk = apps.get_model("intake", "AttachmentChunk")
    storage = storages["default"]
    for pk, name in Attachment.objects.using(db).exclude(file="").order_by("pk").values_list("pk", "file").iterator():
        AttachmentChunk.objects.using(db).filter(attachment_id=pk).delete()
        with storage.open(name, "rb") as stored:
            seq = 0
            while data := stored.read(CHUNK_BYTES):
                AttachmentChunk.objects.using(db).create(attachment_id=pk, seq=seq, data=data)
                seq += 1
        Attachment.objects.using(db).filter(pk=pk).update(file="")
        storage.delete(name)


class Migration(migrations.Migration):

    dependencies = [("intake", "0008_mailbox_password_sealed")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="file",
            field=models.FileField(blank=True, max_length=255, upload_to="",
                                   help_text="Its name in the file storage; empty for a file kept only inside the raw message.",
                                   verbose_name="stored file"),
        ),
        migrations.RunPython(chunks_to_storage, storage_to_chunks),
    ]
