"""The staff pages of import and export: upload, read the dry run, confirm; download."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from meldpunt.contracts.models import Organisation
from tests.support import factories as f

pytestmark = pytest.mark.django_db

FILE = "number,name,language\nP-1,Page BV,en\nP-2,,nl\n"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_upload_see_the_dry_run_and_confirm(file_storage):
    client = _client(f.staff_user())
    assert client.get("/transfer/").status_code == 200
    r = client.post("/transfer/import/", {"kind": "organisations", "file": SimpleUploadedFile("o.csv", FILE.encode())})
    assert r.status_code == 200
    page = r.content.decode()
    assert "Dry run" in page and "A new organisation needs a name." in page and "P-1" in page
    assert not Organisation.objects.filter(number="P-1").exists()
    token = r.context["confirm"].initial["upload"]
    r = client.post("/transfer/import/confirm/", {"upload": token})
    assert r.status_code == 200 and "Imported" in r.content.decode()
    assert Organisation.objects.get(number="P-1").name == "Page BV"
    again = client.post("/transfer/import/confirm/", {"upload": token})
    assert again.status_code == 400  # the upload is used up: a double click imports once


def test_a_bad_file_is_a_form_error_not_a_500(file_storage):
    client = _client(f.staff_user())
    r = client.post("/transfer/import/", {"kind": "contacts", "file": SimpleUploadedFile("c.xlsx", b"no workbook")})
    assert r.status_code == 400 and "not an Excel workbook" in r.content.decode()
    r = client.post("/transfer/import/", {"kind": "contacts", "file": SimpleUploadedFile("c.csv", b"colour\nred\n")})
    assert r.status_code == 400
    assert client.post("/transfer/import/confirm/", {"upload": "made-up"}).status_code == 400


def test_staff_download_an_export_and_customers_see_nothing():
    org = f.organisation("Export BV")
    coordinator = f.contact(org)
    f.agreement(org, coordinator=coordinator)
    client = _client(f.staff_user())
    r = client.get("/transfer/export/", {"organisation": org.pk, "format": "json"})
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    document = json.loads(b"".join(r.streaming_content))
    assert document["tables"]["contacts"][0]["email"] == coordinator.email
    r = client.get("/transfer/export/", {"organisation": org.pk, "format": "csv"})
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content))) as archive:
        assert "agreements.csv" in archive.namelist()
    assert client.get("/transfer/export/", {"organisation": 10**12, "format": "json"}).status_code == 404
    customer = _client(coordinator.user)
    for url in ("/transfer/", f"/transfer/export/?organisation={org.pk}&format=json"):
        assert customer.get(url).status_code == 404
    assert customer.post("/transfer/import/confirm/", {"upload": "x"}).status_code == 404
