"""The full-text index over current article texts: GIN expression indexes on PostgreSQL,
an FTS5 table kept in sync by triggers on SQLite (see meldpunt.knowledge.search).
Other databases get no index; the migration does nothing there."""

from django.db import migrations


def create(apps, schema_editor):
    from meldpunt.knowledge.search import create_index

    create_index(schema_editor)


def drop(apps, schema_editor):
    from meldpunt.knowledge.search import drop_index

    drop_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
