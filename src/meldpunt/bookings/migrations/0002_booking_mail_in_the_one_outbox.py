from django.db import migrations


class Migration(migrations.Migration):
    """Booking mail lives in the one outbox (intake 0006 moved the rows there)."""

    dependencies = [
        ('bookings', '0001_initial'),
        ('intake', '0006_one_outbox_for_staff_and_booking_mail'),
    ]

    operations = [
        migrations.DeleteModel(
            name='BookingMail',
        ),
    ]
