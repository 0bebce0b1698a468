"""Idempotency keys of the write API for organisations, contacts and agreements (issue 22)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0002_token_expiry'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IdempotentWrite',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=200, verbose_name='idempotency key')),
                ('operation', models.CharField(max_length=40, verbose_name='operation')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='object id')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'idempotent write',
                'verbose_name_plural': 'idempotent writes',
                'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='api_write_once_per_key')],
            },
        ),
    ]
