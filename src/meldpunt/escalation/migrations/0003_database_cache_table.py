"""The table of the database cache (settings.CACHES) that the API and booking throttles count in.

``createcachetable`` is idempotent and does nothing for a cache that is not in the database,
so an operator who points CACHES elsewhere loses nothing; running it here means ``migrate``
is the only step a deployment needs.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("escalation", "0002_drop_home_made_login_limit")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
