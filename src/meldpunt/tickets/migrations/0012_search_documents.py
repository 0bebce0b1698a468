"""Ticket search: one search document per ticket, the GIN index (PostgreSQL) or the FTS5
table and its triggers (SQLite), and a document for every existing ticket
(see meldpunt.tickets.search_index)."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


def create(apps, schema_editor):
    from meldpunt.tickets.search_index import create_index, rebuild

    create_index(schema_editor)
    rebuild(apps.get_model("tickets", "Ticket"), apps.get_model("tickets", "Message"), using=schema_editor.connection)


def drop(apps, schema_editor):
    from meldpunt.tickets.search_index import drop_index

    drop_index(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0011_priority_provisional'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='tickets.ticket', verbose_name='ticket')),
                ('number', models.CharField(max_length=40, verbose_name='number')),
                ('head', models.TextField(blank=True, verbose_name='head')),
                ('body', models.TextField(blank=True, verbose_name='public text')),
                ('notes', models.TextField(blank=True, verbose_name='internal notes')),
                ('vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
            ],
            options={
                'verbose_name': 'search document',
                'verbose_name_plural': 'search documents',
            },
        ),
        migrations.RunPython(create, drop),
    ]
