"""The file storages the attachment tests run on: the local disk and S3, the latter a real
S3 server (moto's server mode, a separate process on a free port, started once per test
session). Use the ``file_storage`` fixture (parametrised: each test runs on both); register
this module with ``pytest_plugins`` in a conftest."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import storages

from meldpunt.filestore import disk_storage, s3_storage
from tests.support.servers import free_port

S3_ACCESS = {"MELDPUNT_S3_ACCESS_KEY_ID": "meldpunt-test", "MELDPUNT_S3_SECRET_ACCESS_KEY": "meldpunt-test-secret",
             "MELDPUNT_S3_REGION": "eu-west-1", "MELDPUNT_S3_ADDRESSING": "path"}


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """The URL of a moto S3 server of this session."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-c", "from moto.server import main; main()",
                                   "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the S3 server stopped: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"{url}/", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # an answer, whatever it says: the server is up
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"the S3 server did not answer within 60 s: {log.read_text()[-2000:]}")


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    return {"MELDPUNT_S3_BUCKET": bucket, "MELDPUNT_S3_ENDPOINT_URL": endpoint, **S3_ACCESS}


def new_bucket(endpoint: str) -> str:
    import boto3

    bucket = f"meldpunt-{uuid.uuid4().hex[:16]}"
    boto3.client("s3", endpoint_url=endpoint, region_name=S3_ACCESS["MELDPUNT_S3_REGION"],
                 aws_access_key_id=S3_ACCESS["MELDPUNT_S3_ACCESS_KEY_ID"],
                 aws_secret_access_key=S3_ACCESS["MELDPUNT_S3_SECRET_ACCESS_KEY"]).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_ACCESS["MELDPUNT_S3_REGION"]})
    return bucket


@pytest.fixture(params=["disk", "s3"])
def file_storage(request, settings, tmp_path):
    """``STORAGES["default"]`` is a fresh folder, or a fresh bucket on the S3 server; the
    storage itself is returned."""
    if request.param == "disk":
        default = disk_storage(tmp_path / "files")
    else:
        endpoint = request.getfixturevalue("s3_server")
        default = s3_storage(s3_env(endpoint, new_bucket(endpoint)))
    settings.STORAGES = {**settings.STORAGES, "default": default}
    return storages["default"]
