"""Mailbox passwords are sealed at rest (meldpunt.sealed): the column holds a Fernet token,
the admin never shows it and keeps it when left empty, keys rotate, and migration 0008 seals
the plain-text passwords of an existing database."""

import base64
import os

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meldpunt.intake import imap
from meldpunt.intake.admin import MailboxForm
from meldpunt.intake.models import Mailbox
from meldpunt.sealed import SealedValueError, require

PASSWORD = "Zomer2026!imap"


def _key() -> bytes:
    return base64.urlsafe_b64encode(os.urandom(32))


def _column(box) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM intake_mailbox WHERE id = %s", [box.pk])
        return cursor.fetchone()[0]


def _mailbox(**fields) -> Mailbox:
    values = dict(vendor="erpm", name="Support", host="imap.example.test", username="support@example.test",
                  password=PASSWORD, reply_address="support@example.test")
    return Mailbox.objects.create(**(values | fields))


@pytest.mark.django_db
def test_the_column_holds_a_token_that_only_the_key_opens(settings):
    key = _key()
    settings.MELDPUNT_FIELD_KEYS = [key]
    box = _mailbox()
    stored = _column(box)
    assert PASSWORD not in stored and stored.startswith("gAAAAA")
    assert Fernet(key).decrypt(stored.encode()).decode() == PASSWORD
    assert Mailbox.objects.get(pk=box.pk).password == PASSWORD
    box.save()
    assert _column(box) != stored  # each sealing differs: equal passwords cannot be spotted



@pytest.mark.django_db
def test_a_key_that_opens_nothing_is_the_mailboxs_error_and_loses_nothing(settings, caplog):
    key = _key()
    settings.MELDPUNT_FIELD_KEYS = [key]
    box, other = _mailbox(), _mailbox(name="Ander")
    stored = _column(box)
    settings.MELDPUNT_FIELD_KEYS = [_key()]  # the old key was dropped too early
    assert [b.name for b in Mailbox.objects.order_by("pk")] == ["Support", "Ander"]  # rows still load: the poll loop goes on
    unopened = Mailbox.objects.get(pk=box.pk)
    assert unopened.password == "" and "cannot be decrypted with MELDPUNT_FIELD_KEY" in caplog.text
    with pytest.raises(SealedValueError, match="MELDPUNT_FIELD_KEY"):
        require(unopened.password)

    report = imap.poll(unopened)  # before any connection is tried
    assert report.error.startswith("SealedValueError: a stored secret cannot be decrypted with MELDPUNT_FIELD_KEY")
    assert Mailbox.objects.get(pk=box.pk).last_error == report.error

    fields = {name: getattr(unopened, name) for name in ("vendor", "name", "host", "port", "username", "folder", "reply_address")}
    form = MailboxForm(data=fields | {"password": "", "active": "on"}, instance=unopened)
    assert form.is_valid(), form.errors
    form.save()  # an admin's edit of another field keeps the token as it was
    assert _column(box) == stored
    settings.MELDPUNT_FIELD_KEYS = [key]  # the right key back: nothing lost
    assert Mailbox.objects.get(pk=box.pk).password == PASSWORD and Mailbox.objects.get(pk=other.pk).password == PASSWORD


@pytest.mark.django_db
def test_a_new_key_goes_first_and_rotation_reseals_with_it(settings, capsys):
    old, new = _key(), _key()
    settings.MELDPUNT_FIELD_KEYS = [old]
    boxes = [_mailbox(name=f"box {i}", password=f"{PASSWORD}{i}") for i in range(3)]
    settings.MELDPUNT_FIELD_KEYS = [new, old]
    assert [Mailbox.objects.get(pk=b.pk).password for b in boxes] == [f"{PASSWORD}{i}" for i in range(3)]
    call_command("rotate_field_key")
    assert "3 mailbox password(s)" in capsys.readouterr().out
    settings.MELDPUNT_FIELD_KEYS = [new]  # the old key may go now
    assert [Mailbox.objects.get(pk=b.pk).password for b in boxes] == [f"{PASSWORD}{i}" for i in range(3)]
    assert Fernet(new).decrypt(_column(boxes[0]).encode()) == f"{PASSWORD}0".encode()

    settings.MELDPUNT_FIELD_KEYS = [_key()]  # a key that opens nothing: named, not a traceback
    with pytest.raises(CommandError, match=rf"intake.Mailbox {boxes[0].pk}: a stored secret cannot be decrypted"):
        call_command("rotate_field_key")


@pytest.mark.django_db
def test_the_admin_never_shows_the_password_and_empty_keeps_it(admin_client):
    box = _mailbox()
    page = admin_client.get(f"/admin/intake/mailbox/{box.pk}/change/").content.decode()
    assert PASSWORD not in page and _column(box) not in page
    assert 'type="password"' in page

    fields = {name: getattr(box, name) for name in ("vendor", "name", "host", "port", "username", "folder", "reply_address")}
    form = MailboxForm(data=fields | {"password": "", "use_ssl": "on", "active": "on"}, instance=box)
    assert form.is_valid(), form.errors
    form.save()
    assert Mailbox.objects.get(pk=box.pk).password == PASSWORD
    form = MailboxForm(data=fields | {"password": "Nieuw-2027", "active": "on"}, instance=Mailbox.objects.get(pk=box.pk))
    assert form.is_valid(), form.errors
    form.save()
    assert Mailbox.objects.get(pk=box.pk).password == "Nieuw-2027"
    new = MailboxForm(data=fields | {"password": "", "name": "Tweede"})
    assert not new.is_valid() and "password" in new.errors


@pytest.mark.django_db(transaction=True)
def test_migration_seals_plain_passwords_and_opens_them_backwards():
    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.migrate(target)
        executor.loader.build_graph()

    box = _mailbox()
    try:
        migrate([("intake", "0007_staff_and_booking_mail_moved_into_the_outbox")])
        assert _column(box) == PASSWORD  # opened again backwards
        with connection.cursor() as cursor:
            cursor.execute("UPDATE intake_mailbox SET password = %s WHERE id = %s", ["oud-wachtwoord", box.pk])
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert _column(box).startswith("gAAAAA")
    assert Mailbox.objects.get(pk=box.pk).password == "oud-wachtwoord"
