"""A client's Idempotency-Key on a time entry: the same key on the same ticket books once."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='timeentry',
            name='idempotency_key',
            field=models.CharField(blank=True, help_text="A client's key: the same key on the same ticket books once.", max_length=200, null=True, verbose_name='idempotency key'),
        ),
        migrations.AddConstraint(
            model_name='timeentry',
            constraint=models.UniqueConstraint(fields=('ticket', 'idempotency_key'), name='time_booked_once'),
        ),
    ]
