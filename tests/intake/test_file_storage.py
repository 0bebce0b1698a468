"""Attachments in the file storage (meldpunt.filestore, meldpunt.intake.attachments), on the
local disk and on a real S3 server: large files stream in parts, a deleted attachment's file
goes after the commit, a missing file answers 404, and a production process configured by
the MELDPUNT_S3_* variables puts mail attachments in the bucket."""

import hashlib
import runpy

import boto3
import pytest

import meldpunt.settings
from meldpunt.intake import attachments
from meldpunt.intake.models import Attachment
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message
from tests.deploy.profile import production_env, run
from tests.support import factories as f
from tests.support.filestores import S3_ACCESS, new_bucket, s3_env
from tests.support.samples import with_attachment

MIB = 1024 * 1024


@pytest.fixture
def message():
    org = f.organisation("Opslag BV")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org), subject="Bestanden", kind="question"))
    return add_message(ticket, "bijlagen", from_customer=True)


def _pieces(total: int, size: int):
    """``total`` bytes of a known pattern in pieces of ``size``, never all at once."""
    block = hashlib.sha256(b"meldpunt").digest() * (size // 32 + 1)
    sent = 0
    while sent < total:
        piece = block[: min(size, total - sent)]
        sent += len(piece)
        yield piece


@pytest.mark.django_db
def test_a_file_larger_than_one_part_streams_in_and_out(file_storage, message):
    total = 12 * MIB + 7  # on S3: three parts of a multipart upload, from a stream that cannot seek
    stored = attachments.store(message, filename="dump.sql", content_type="application/sql", pieces=_pieces(total, 64 * 1024))
    assert stored.size == total and file_storage.size(stored.file.name) == total
    expected, got = hashlib.sha256(), hashlib.sha256()
    for piece in _pieces(total, 64 * 1024):
        expected.update(piece)
    sizes = []
    for piece in attachments.chunks(stored):
        sizes.append(len(piece))
        got.update(piece)
    assert got.hexdigest() == expected.hexdigest()
    assert max(sizes) == attachments.CHUNK_BYTES  # read back a chunk at a time


@pytest.mark.django_db
def test_an_empty_file_is_kept_too(file_storage, message):
    stored = attachments.store_bytes(message, filename="leeg.txt", content_type="text/plain", data=b"")
    assert stored.size == 0 and file_storage.exists(stored.file.name) and attachments.content(stored) == b""


@pytest.mark.django_db
def test_a_deleted_attachment_takes_its_file_along_after_the_commit(file_storage, message, django_capture_on_commit_callbacks):
    stored = attachments.store_bytes(message, filename="weg.bin", content_type=None, data=b"w" * 1000)
    kept = attachments.store_bytes(message, filename="blijft.bin", content_type=None, data=b"b" * 10)
    with django_capture_on_commit_callbacks(execute=True):
        Attachment.objects.filter(pk=stored.pk).delete()
        assert file_storage.exists(stored.file.name)  # until the deletion is committed
    assert not file_storage.exists(stored.file.name) and file_storage.exists(kept.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        message.delete()  # a cascade from the message takes the files too
    assert not file_storage.exists(kept.file.name)


@pytest.mark.django_db
def test_a_missing_stored_file_answers_404_not_500(settings, tmp_path, message, client):
    from meldpunt.filestore import disk_storage

    settings.STORAGES = {**settings.STORAGES, "default": disk_storage(tmp_path / "files")}
    stored = attachments.store_bytes(message, filename="kwijt.txt", content_type="text/plain", data=b"kwijt")
    (tmp_path / "files" / stored.file.name).unlink()
    client.force_login(f.staff_user())
    assert client.get(f"/intake/attachments/{stored.pk}/").status_code == 404


def _profile_storages(monkeypatch, tmp_path, **env) -> dict:
    for name, value in production_env(tmp_path, **env).items():
        if name.startswith("MELDPUNT_"):
            monkeypatch.setenv(name, value)
    return runpy.run_path(meldpunt.settings.__file__)["STORAGES"]["default"]


def test_the_environment_chooses_the_storage(monkeypatch, tmp_path):
    disk = _profile_storages(monkeypatch, tmp_path)
    assert disk["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert disk["OPTIONS"]["location"] == str(tmp_path / "files")
    assert _profile_storages(monkeypatch, tmp_path, MELDPUNT_FILES_ROOT="/srv/meldpunt/files")["OPTIONS"]["location"] == "/srv/meldpunt/files"
    s3 = _profile_storages(monkeypatch, tmp_path, MELDPUNT_S3_BUCKET="desk-files", MELDPUNT_S3_PREFIX="/prod/",
                           MELDPUNT_S3_ENDPOINT_URL="https://s3.example.net")
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3["OPTIONS"]
    assert (options["bucket_name"], options["location"], options["endpoint_url"]) == ("desk-files", "prod", "https://s3.example.net")
    assert options["default_acl"] is None and options["transfer_config"].multipart_chunksize == 5 * MIB


def test_a_production_process_puts_mail_attachments_in_the_bucket(s3_server, tmp_path):
    bucket = new_bucket(s3_server)
    env = production_env(tmp_path, **s3_env(s3_server, bucket), MELDPUNT_S3_PREFIX="desk")
    assert run(["migrate", "--no-input"], env, timeout=300).returncode == 0
    mail = tmp_path / "bijlage.eml"
    mail.write_bytes(with_attachment(300_000, message_id="<s3@devries.test>"))
    result = run(["ingest-mail", "--json", str(mail)], env)
    assert result.returncode == 0, result.stderr
    assert '"outcome": "created"' in result.stdout

    s3 = boto3.client("s3", endpoint_url=s3_server, region_name=S3_ACCESS["MELDPUNT_S3_REGION"],
                      aws_access_key_id=S3_ACCESS["MELDPUNT_S3_ACCESS_KEY_ID"],
                      aws_secret_access_key=S3_ACCESS["MELDPUNT_S3_SECRET_ACCESS_KEY"])
    objects = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert [(o["Key"].split("/")[:2], o["Size"]) for o in objects] == [(["desk", "attachments"], 300_000)]
    assert not (tmp_path / "files").exists()  # nothing on the local disk
