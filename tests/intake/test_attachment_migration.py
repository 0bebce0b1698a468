"""Attachment bytes through their migrations, on both databases and both storages: 0002/0003
moved them from the row into chunks, 0009/0010 from the chunks into the file storage; and
back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meldpunt.intake import attachments
from meldpunt.intake.models import Attachment
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()


def test_bytes_move_from_the_row_into_chunks_then_into_the_storage_and_back(file_storage):
    org = f.organisation()
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org), subject="Migratie", kind="question"))
    message = add_message(ticket, "bijlage", from_customer=True)
    data = bytes(range(256)) * (4096 * 3) + b"end"  # 3 MiB and a bit: four chunks
    big = attachments.store_bytes(message, filename="dump.bin", content_type=None, data=data)
    held = attachments.hold(message, filename="huge.iso", content_type=None, size=10**9, reason="size")
    stored_name = big.file.name
    try:
        _migrate([("intake", "0008_mailbox_password_sealed")])  # back into chunks, the file gone
        assert not file_storage.exists(stored_name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq, length(data) FROM intake_attachmentchunk WHERE attachment_id = %s ORDER BY seq", [big.pk])
            assert cursor.fetchall() == [(0, 2**20), (1, 2**20), (2, 2**20), (3, 3)]
        _migrate([("intake", "0001_initial")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, data FROM intake_attachment ORDER BY id")
            assert [(pk, bytes(blob)) for pk, blob in cursor.fetchall()] == [(big.pk, data), (held.pk, b"")]
            cursor.execute("UPDATE intake_attachment SET data = %s WHERE id = %s", [b"oud" * 10, big.pk])
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # back to the newest
    moved = Attachment.objects.get(pk=big.pk)
    assert attachments.content(moved) == b"oud" * 10 and file_storage.size(moved.file.name) == 30
    assert moved.file.name != stored_name and moved.file.name.startswith("attachments/")
    assert Attachment.objects.get(pk=held.pk).held == "size" and not Attachment.objects.get(pk=held.pk).file
