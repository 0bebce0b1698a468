"""An inbound mail keeps why it came to its outcome as notes (codes and parameters), worded
when read in the reader's language; the English sentence of older rows stays as
``legacy_reason`` and is shown as it was (issue 21)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0011_followers_and_full_mail_text'),
    ]

    operations = [
        migrations.RenameField(model_name='inboundmail', old_name='reason', new_name='legacy_reason'),
        migrations.AlterField(
            model_name='inboundmail',
            name='legacy_reason',
            field=models.CharField(blank=True, help_text='Written in English by older versions; new mail keeps notes.', max_length=500, verbose_name='reason (older mail)'),
        ),
        migrations.AddField(
            model_name='inboundmail',
            name='notes',
            field=models.JSONField(blank=True, default=list, help_text='What happened to the mail, as codes; worded when read.', verbose_name='notes'),
        ),
    ]
