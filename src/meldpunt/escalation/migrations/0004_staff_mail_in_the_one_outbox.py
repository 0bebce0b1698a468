from django.db import migrations


class Migration(migrations.Migration):
    """Staff mail lives in the one outbox (intake 0007 moved the rows there)."""

    dependencies = [
        ('escalation', '0003_database_cache_table'),
        ('intake', '0007_staff_and_booking_mail_moved_into_the_outbox'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='staffmail',
            name='staff_mail_pending',
        ),
        migrations.DeleteModel(
            name='StaffMail',
        ),
    ]
