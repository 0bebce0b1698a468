"""``meldpunt serve`` started for real in the production profile: it answers /health/ and a
page with the CSP and a request id, writes JSON lines on stdout, and stops on TERM."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import time

import pytest

from tests.deploy.profile import meldpunt_command, production_env, run, shared_database_url
from tests.support.servers import free_port


def _get(port: int, path: str, **headers) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _wait_until_up(port: int, proc: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            _get(port, "/health/?scope=web")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("meldpunt serve did not answer in 30 s")


@pytest.mark.django_db(transaction=True)
def test_serve_in_the_production_profile(tmp_path):
    port = free_port()
    env = production_env(tmp_path, MELDPUNT_HTTPS="0", MELDPUNT_ALLOWED_HOSTS="127.0.0.1",
                         MELDPUNT_BIND=f"127.0.0.1:{port}", MELDPUNT_WEB_WORKERS="2")
    url = shared_database_url()
    if url:  # PostgreSQL: the test database itself
        env["DATABASE_URL"] = url
    else:  # SQLite's test database lives in this process's memory: a file of its own
        migrated = run(["migrate", "--no-input", "-v", "0"], env, timeout=300)
        assert migrated.returncode == 0, migrated.stderr
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([meldpunt_command(), "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(port, proc, log)
        status, headers, body = _get(port, "/health/?scope=web")
        assert status == 200, body
        assert json.loads(body)["migrations"] == {"ok": True, "pending": 0}
        status, headers, body = _get(port, "/health/")
        assert status == 503 and json.loads(body)["worker"]["ok"] is False  # no worker runs here

        status, headers, body = _get(port, "/login/", **{"X-Request-ID": "serve-test-42"})
        assert status == 200
        assert b'name="password"' in body
        assert headers["X-Request-ID"] == "serve-test-42"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert sum("Booting worker" in line["message"] for line in lines) == 2
    access = [line for line in lines if line["logger"] == "gunicorn.access" and line["path"] == "/login/"]
    assert access and access[0]["status"] == 200 and access[0]["request_id"] == "serve-test-42"
    assert access[0]["duration_ms"] > 0
    errors = [line for line in lines if line["logger"] == "django.request"]
    assert errors and errors[0]["level"] == "ERROR" and errors[0]["status_code"] == 503  # the 503 of /health/


def test_serve_refuses_a_bad_worker_count(tmp_path):
    result = run(["serve", "--workers", "0"], production_env(tmp_path))
    assert result.returncode == 2 and result.stderr.strip() == "meldpunt serve: --workers: at least 1"
    result = run(["serve"], production_env(tmp_path, MELDPUNT_WEB_WORKERS="many"))
    assert result.returncode == 2 and "MELDPUNT_WEB_WORKERS: 'many' is not a number" in result.stderr
