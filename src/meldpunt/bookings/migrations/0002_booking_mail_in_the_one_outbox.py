from django.db import migrations


class Migration(migrations.Migration):
    """Booking mail lives in the one outbox (intake 0007 moved the rows there)."""

    dependencies = [
        ('bookings', '0001_initial'),
        ('intake', '0007_staff_and_booking_mail_moved_into_the_outbox'),
    ]

    operations = [
        migrations.DeleteModel(
            name='BookingMail',
        ),
    ]
