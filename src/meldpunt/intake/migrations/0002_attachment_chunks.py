"""Attachment bytes move to AttachmentChunk rows (1 MiB each), so that listing a thread never
reads them and downloads stream; attachments get a creation time (daily quota) and a reason
when they stay inside the raw message. The old ``data`` column is dropped in 0003, in its
own transaction (PostgreSQL refuses to alter a table with pending deferred FK checks)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

CHUNK_BYTES = 1024 * 1024


def copy_into_chunks(apps, schema_editor):
    """One attachment's bytes in memory at a time, never all of them."""
    Attachment = apps.get_model("intake", "Attachment")
    AttachmentChunk = apps.get_model("intake", "AttachmentChunk")
    Attachment.objects.filter(too_large=True).update(held="size")
    for pk in Attachment.objects.filter(too_large=False).order_by("pk").values_list("pk", flat=True).iterator():
        data = bytes(Attachment.objects.filter(pk=pk).values_list("data", flat=True).get() or b"")
        AttachmentChunk.objects.bulk_create(
            AttachmentChunk(attachment_id=pk, seq=seq, data=data[start:start + CHUNK_BYTES])
            for seq, start in enumerate(range(0, len(data), CHUNK_BYTES))
        )


def copy_back(apps, schema_editor):
    Attachment = apps.get_model("intake", "Attachment")
    AttachmentChunk = apps.get_model("intake", "AttachmentChunk")
    for pk in Attachment.objects.order_by("pk").values_list("pk", flat=True).iterator():
        parts = AttachmentChunk.objects.filter(attachment_id=pk).order_by("seq").values_list("data", flat=True)
        Attachment.objects.filter(pk=pk).update(data=b"".join(bytes(part) for part in parts))


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="created at"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="held",
            field=models.CharField(blank=True, choices=[("", "kept"), ("size", "larger than the limit for one file"), ("ticket_quota", "over the request's attachment quota"), ("daily_quota", "over the organisation's daily attachment quota")], default="", max_length=20, verbose_name="why not kept apart"),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="too_large",
            field=models.BooleanField(default=False, help_text="Still inside the raw message.", verbose_name="not kept apart"),
        ),
        migrations.CreateModel(
            name="AttachmentChunk",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveIntegerField(verbose_name="sequence")),
                ("data", models.BinaryField(verbose_name="data")),
                ("attachment", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="chunks", to="intake.attachment", verbose_name="attachment")),
            ],
            options={
                "verbose_name": "attachment chunk",
                "verbose_name_plural": "attachment chunks",
                "constraints": [models.UniqueConstraint(fields=("attachment", "seq"), name="attachment_chunk_seq")],
            },
        ),
        migrations.RunPython(copy_into_chunks, copy_back, elidable=False),
    ]
