"""Request ids and structured logs: every response carries X-Request-ID, every log line of
the request carries it, an error is logged with its traceback; Sentry gets errors when set."""

from __future__ import annotations

import gzip
import io
import json
import logging
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from meldpunt.logs import JsonFormatter, RequestIdFilter
from tests.deploy.profile import production_env, run


@pytest.fixture
def log_lines():
    """What the django.request logger writes through the formatter and filter of LOGGING."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_logging_goes_to_stdout_as_json_also_for_errors(monkeypatch, tmp_path):
    """The production profile's LOGGING (the suite itself logs to stderr, like a command)."""
    from tests.deploy.test_profile import profile_settings

    config = profile_settings(monkeypatch, tmp_path)["LOGGING"]
    handler = config["handlers"]["json"]
    assert handler["stream"] == "ext://sys.stdout" and handler["formatter"] == "json"
    assert handler["filters"] == ["request_id"]
    assert config["loggers"]["django.request"] == {"handlers": ["json"], "level": "WARNING", "propagate": False}
    assert config["root"]["handlers"] == ["json"]
    assert profile_settings(monkeypatch, tmp_path, MELDPUNT_LOG_STREAM="stderr")["LOGGING"]["handlers"]["json"][
        "stream"] == "ext://sys.stderr"


@pytest.mark.django_db
def test_a_request_gets_an_id_and_keeps_a_sane_one():
    client = Client()
    made = client.get("/login/")["X-Request-ID"]
    assert len(made) == 32 and int(made, 16) >= 0
    assert client.get("/login/")["X-Request-ID"] != made
    assert client.get("/login/", HTTP_X_REQUEST_ID="lb-7f3a:2")["X-Request-ID"] == "lb-7f3a:2"
    for insane in ("a b", "x" * 200, "id\"}{", ""):
        kept = client.get("/login/", HTTP_X_REQUEST_ID=insane)["X-Request-ID"]
        assert kept != insane and len(kept) == 32


@pytest.mark.django_db
def test_the_log_line_of_a_request_carries_its_id(log_lines):
    response = Client().get("/no/such/page/", HTTP_X_REQUEST_ID="req-404")
    assert response.status_code == 404 and response["X-Request-ID"] == "req-404"
    [line] = log_lines()
    assert (line["level"], line["logger"], line["request_id"]) == ("WARNING", "django.request", "req-404")
    assert line["message"] == "Not Found: /no/such/page/" and line["status_code"] == 404
    logging.getLogger("django.request").warning("after the request")
    assert log_lines()[-1]["request_id"] == "-"


@pytest.mark.django_db
@pytest.mark.urls("tests.deploy.urls")
def test_an_error_is_logged_with_its_traceback_and_request_id(log_lines, settings):
    assert settings.DEBUG is False
    response = Client(raise_request_exception=False).get("/boom/", HTTP_X_REQUEST_ID="req-500")
    assert response.status_code == 500
    [line] = log_lines()
    assert (line["level"], line["request_id"], line["status_code"]) == ("ERROR", "req-500", 500)
    assert line["message"] == "Internal Server Error: /boom/"
    assert line["exc"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: boom for the log test" in line["exc"]


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_go_to_sentry_when_a_dsn_is_set(tmp_path):
    """A local stand-in for Sentry's ingest endpoint receives the error a process logs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    _Collector.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = production_env(tmp_path, MELDPUNT_SENTRY_DSN=f"http://publickey@127.0.0.1:{server.server_port}/42")
        script = ("import logging, sentry_sdk; logging.getLogger('meldpunt.test').error('sentry-probe-%s', 9); "
                  "sentry_sdk.flush(5)")
        result = run(["shell", "--no-imports", "-c", script], env)
        assert result.returncode == 0, result.stderr
        assert any(b"sentry-probe-9" in body for body in _Collector.received), _Collector.received
        # without the DSN nothing is sent
        _Collector.received = []
        result = run(["shell", "--no-imports", "-c", script], production_env(tmp_path))
        assert result.returncode == 0 and _Collector.received == []
    finally:
        server.shutdown()
