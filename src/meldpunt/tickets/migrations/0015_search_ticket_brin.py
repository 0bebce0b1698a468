"""The BRIN index on the search documents' ticket ids (PostgreSQL only; see
``meldpunt.tickets.search_index.PG_SETUP``)."""

from django.db import migrations

from meldpunt.tickets.search_index import PG_BRIN


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BRIN)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS tickets_search_ticket_brin")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0014_indicative_clocks_package_rank")]
    operations = [migrations.RunPython(forwards, backwards)]
