from django.db import migrations


class Migration(migrations.Migration):
    """Staff mail lives in the one outbox (intake 0006 moved the rows there)."""

    dependencies = [
        ('escalation', '0001_initial'),
        ('intake', '0006_one_outbox_for_staff_and_booking_mail'),
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
