"""A revision stamp for closed days (issue 17 item 5): one row, rewritten by database triggers.

Every INSERT, UPDATE or DELETE on ``contracts_closedday`` (and TRUNCATE on PostgreSQL) writes
a new random ``revision`` into the one row of ``contracts_closeddaysrevision``, in the same
transaction, whoever makes the change. The row is written with an upsert, so it comes back
even after the table was emptied (a test database's flush). Processes cache closed days
keyed by the revision (``meldpunt.contracts.catalogs``).
"""

from django.db import migrations, models

TABLE, STAMP = "contracts_closedday", "contracts_closeddaysrevision"

POSTGRES = [
    f"""CREATE FUNCTION contracts_closedday_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {STAMP} (id, revision) VALUES (1, md5(random()::text || clock_timestamp()::text))
        ON CONFLICT (id) DO UPDATE SET revision = EXCLUDED.revision;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER contracts_closedday_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION contracts_closedday_stamp()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS contracts_closedday_stamp ON {TABLE}",
    "DROP FUNCTION IF EXISTS contracts_closedday_stamp()",
]
SQLITE = [
    f"""CREATE TRIGGER contracts_closedday_stamp_{event.lower()} AFTER {event} ON {TABLE}
    BEGIN
        INSERT INTO {STAMP} (id, revision) VALUES (1, lower(hex(randomblob(16))))
        ON CONFLICT (id) DO UPDATE SET revision = excluded.revision;
    END"""
    for event in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS contracts_closedday_stamp_{e}" for e in ("insert", "update", "delete")]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


def first_revision(apps, schema_editor):
    apps.get_model("contracts", "ClosedDaysRevision").objects.update_or_create(pk=1, defaults={"revision": "initial"})


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_one_contact_per_address")]

    operations = [
        migrations.CreateModel(
            name="ClosedDaysRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("revision", models.CharField(max_length=40, verbose_name="revision")),
            ],
            options={"verbose_name": "closed days revision", "verbose_name_plural": "closed days revisions"},
        ),
        migrations.RunPython(first_revision, migrations.RunPython.noop),
        migrations.RunPython(_run({"postgresql": POSTGRES, "sqlite": SQLITE}),
                             _run({"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP})),
    ]
