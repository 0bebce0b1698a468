"""The one outbox gets what staff and booking mail need: the member of staff (``user``), a
generic link to what a mail is about (``about_type``/``about_id``: a booking, a
notification) and a nullable unique ``dedupe_key``. The rows move in 0007 (a migration of
its own: PostgreSQL cannot alter a table in the transaction that just wrote to it).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('intake', '0005_held_mail_and_mailbox_errors'),
        ('tickets', '0008_fewer_ticket_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='outboundmail',
            name='about_id',
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name='about (id)'),
        ),
        migrations.AddField(
            model_name='outboundmail',
            name='about_type',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype', verbose_name='about (type)'),
        ),
        migrations.AddField(
            model_name='outboundmail',
            name='dedupe_key',
            field=models.CharField(blank=True, max_length=100, null=True, unique=True, verbose_name='sent once per'),
        ),
        migrations.AddField(
            model_name='outboundmail',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='staff_mails', to=settings.AUTH_USER_MODEL, verbose_name='member of staff'),
        ),
        migrations.AlterField(
            model_name='outboundmail',
            name='attachment_type',
            field=models.CharField(blank=True, help_text='MIME type with its parameters, e.g. text/calendar; method=REQUEST.', max_length=100, verbose_name='attachment type'),
        ),
        migrations.AddIndex(
            model_name='outboundmail',
            index=models.Index(fields=['about_type', 'about_id'], name='outbound_about'),
        ),
    ]
