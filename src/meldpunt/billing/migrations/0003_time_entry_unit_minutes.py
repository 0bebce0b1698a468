"""A time entry keeps the unit its minutes were rounded to, not an English sentence.

Until now a billable entry stored its explanation in English ("31 min worked, billed as 60
min (rounded up to whole 30-minute units) at 120.00/h = 120.00"); it is now worded when read,
in the reader's language, from the entry's columns (``billing.wording``). The one fact the
columns lacked is the unit: it is read from the old sentence (those without the rounding
clause were billed per minute), then the sentence goes.
"""

import re

from django.db import migrations, models

UNIT = re.compile(r"rounded up to whole (\d+)-minute units")


def units_from_sentences(apps, schema_editor):
    TimeEntry = apps.get_model("billing", "TimeEntry")
    by_unit: dict[int, list[int]] = {}
    rows = TimeEntry.objects.filter(explanation__contains="-minute units").values_list("pk", "explanation")
    for pk, text in rows.iterator():
        found = UNIT.search(text)
        if found:
            by_unit.setdefault(int(found[1]), []).append(pk)
    for unit, pks in by_unit.items():  # one update per unit (a catalog has one), in chunks
        for start in range(0, len(pks), 5000):
            TimeEntry.objects.filter(pk__in=pks[start:start + 5000]).update(unit_minutes=unit)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0002_time_entry_idempotency_key'),
    ]

    operations = [
        migrations.AddField(
            model_name='timeentry',
            name='unit_minutes',
            field=models.PositiveIntegerField(default=1, help_text="The catalog's unit the minutes were rounded up to.", verbose_name='billing unit (minutes)'),
        ),
        migrations.RunPython(units_from_sentences, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='timeentry',
            name='explanation',
        ),
    ]
