"""Mailbox passwords are sealed at rest (issue #18 item 7; meldpunt.sealed): the column
becomes text (a Fernet token is longer than the password), every plain-text password is
sealed with the first key of MELDPUNT_FIELD_KEY, then the field is the sealed one. Backwards
the passwords are opened again into plain text."""

from django.db import migrations, models

import meldpunt.sealed


def seal_passwords(apps, schema_editor):
    Mailbox = apps.get_model("intake", "Mailbox")  # here the field is still plain text
    for box in Mailbox.objects.using(schema_editor.connection.alias).exclude(password="").only("pk", "password"):
        box.password = meldpunt.sealed.seal(box.password)
        box.save(update_fields=["password"])


def open_passwords(apps, schema_editor):
    Mailbox = apps.get_model("intake", "Mailbox")
    for box in Mailbox.objects.using(schema_editor.connection.alias).exclude(password="").only("pk", "password"):
        box.password = meldpunt.sealed.unseal(box.password)
        box.save(update_fields=["password"])


class Migration(migrations.Migration):

    dependencies = [("intake", "0007_staff_and_booking_mail_moved_into_the_outbox")]

    operations = [
        migrations.AlterField("mailbox", "password", models.TextField(verbose_name="password")),
        migrations.RunPython(seal_passwords, open_passwords),
        migrations.AlterField(
            "mailbox", "password",
            meldpunt.sealed.SealedTextField(help_text="Encrypted in the database with MELDPUNT_FIELD_KEY.",
                                            verbose_name="password"),
        ),
    ]
