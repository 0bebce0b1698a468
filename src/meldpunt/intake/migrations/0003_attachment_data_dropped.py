"""The attachment's bytes live only in AttachmentChunk now (0002 copied them)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0002_attachment_chunks"),
    ]

    operations = [
        migrations.RemoveField(model_name="attachment", name="data"),
    ]
