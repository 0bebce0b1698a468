"""The chunk table goes: attachment bytes live in the file storage since 0009."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("intake", "0009_attachment_files_in_storage")]

    operations = [
        migrations.RemoveConstraint(model_name="attachmentchunk", name="attachment_chunk_seq"),
        migrations.DeleteModel(name="AttachmentChunk"),
    ]
