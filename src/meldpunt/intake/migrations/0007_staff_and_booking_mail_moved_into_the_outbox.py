"""One outbox: staff mail (escalation.StaffMail) and booking mail (bookings.BookingMail)
move into intake.OutboundMail (columns added by 0006); their tables are dropped afterwards
by escalation 0002 and bookings 0002, which depend on this migration.

Staff mail becomes kind ``staff_alert`` about its notification, with the member of staff in
``user`` and ``dedupe_key`` ``notification:<id>`` (the unique key that replaces the old
one-to-one, so a notification is still mailed once). Booking mail becomes kind
``booking_<kind>`` about its booking, its invite the attachment ``invite.ics``. Sent rows
stay sent, failed ones keep their attempts and last error for the one retry job. Backwards
the rows go back to their own tables.
"""

import secrets

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 1000


def _type(apps, db, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.db_manager(db).get_or_create(app_label=app_label, model=model)[0]


def _fallback_from():
    return getattr(settings, "MELDPUNT_MAIL_FROM", "support@meldpunt.test")


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    OutboundMail = apps.get_model("intake", "OutboundMail")
    StaffMail = apps.get_model("escalation", "StaffMail")
    BookingMail = apps.get_model("bookings", "BookingMail")
    rows = []

    def flush(force=False):
        if rows and (force or len(rows) >= BATCH):
            OutboundMail.objects.using(db).bulk_create(rows)
            rows.clear()

    if StaffMail.objects.using(db).exists():
        note_type = _type(apps, db, "escalation", "notification")
        sender = _fallback_from()
        for mail in StaffMail.objects.using(db).select_related("notification").order_by("pk").iterator():
            rows.append(OutboundMail(
                kind="staff_alert", message_id=f"<staff{mail.pk}.{secrets.token_hex(8)}@{sender.rpartition('@')[2]}>",
                from_address=sender, to=mail.to[:254], subject=mail.subject, body=mail.body,
                created_at=mail.created_at, sent_at=mail.sent_at, attempts=mail.attempts, last_error=mail.last_error,
                user_id=mail.notification.user_id, about_type=note_type, about_id=mail.notification_id,
                dedupe_key=f"notification:{mail.notification_id}",
            ))
            flush()
    if BookingMail.objects.using(db).exists():
        booking_type = _type(apps, db, "bookings", "booking")
        for mail in BookingMail.objects.using(db).select_related("booking").order_by("pk").iterator():
            rows.append(OutboundMail(
                kind=f"booking_{mail.kind}", message_id=mail.message_id, from_address=mail.from_address[:254],
                to=mail.to[:254], subject=mail.subject, body=mail.body, language=mail.booking.language or "en",
                created_at=mail.created_at, sent_at=mail.sent_at, attempts=mail.attempts, last_error=mail.last_error,
                attachment_name="invite.ics" if mail.ics else "", attachment=mail.ics.encode("utf-8"),
                attachment_type=f"text/calendar; method={mail.ics_method}" if mail.ics else "",
                about_type=booking_type, about_id=mail.booking_id,
            ))
            flush()
    flush(force=True)
    # created_at is auto_now_add (set on insert): put the old times back
    OutboundMail.objects.using(db).filter(kind="staff_alert").update(created_at=Subquery(
        StaffMail.objects.filter(notification_id=OuterRef("about_id")).values("created_at")[:1]))
    OutboundMail.objects.using(db).filter(kind__startswith="booking_").update(created_at=Subquery(
        BookingMail.objects.filter(message_id=OuterRef("message_id")).values("created_at")[:1]))
    StaffMail.objects.using(db).all().delete()
    BookingMail.objects.using(db).all().delete()


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    OutboundMail = apps.get_model("intake", "OutboundMail")
    StaffMail = apps.get_model("escalation", "StaffMail")
    BookingMail = apps.get_model("bookings", "BookingMail")
    staff = OutboundMail.objects.using(db).filter(kind="staff_alert")
    StaffMail.objects.using(db).bulk_create(
        [StaffMail(notification_id=m.about_id, to=m.to, subject=m.subject, body=m.body, sent_at=m.sent_at,
                   attempts=m.attempts, last_error=m.last_error) for m in staff.iterator()],
        batch_size=BATCH)
    booking = OutboundMail.objects.using(db).filter(kind__startswith="booking_")
    BookingMail.objects.using(db).bulk_create(
        [BookingMail(booking_id=m.about_id, kind=m.kind.removeprefix("booking_"), message_id=m.message_id,
                     from_address=m.from_address, to=m.to, subject=m.subject, body=m.body,
                     ics=bytes(m.attachment).decode("utf-8"),
                     ics_method=m.attachment_type.partition("method=")[2], sent_at=m.sent_at,
                     attempts=m.attempts, last_error=m.last_error) for m in booking.iterator()],
        batch_size=BATCH)
    StaffMail.objects.using(db).update(created_at=Subquery(
        staff.filter(about_id=OuterRef("notification_id")).values("created_at")[:1]))
    BookingMail.objects.using(db).update(created_at=Subquery(
        booking.filter(message_id=OuterRef("message_id")).values("created_at")[:1]))
    staff.delete()
    booking.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0006_outbox_for_staff_and_booking_mail'),
        ('bookings', '0001_initial'),
        ('escalation', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
