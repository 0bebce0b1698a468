"""A customer number on organisations: imports and the API find a customer by it (issue 22)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0003_closed_days_revision'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='number',
            field=models.CharField(blank=True, default='', help_text="The vendor's own number for this customer; imports find the organisation by it.", max_length=40, verbose_name='customer number'),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('number', ''), _negated=True), fields=('number',), name='organisation_number_once'),
        ),
    ]
