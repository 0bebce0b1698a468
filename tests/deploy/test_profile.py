"""The production profile, started for real: the secret key is required, check --deploy
passes, a login POST behind an HTTPS-terminating proxy works, DATABASE_URL keeps its options."""

from __future__ import annotations

import json
import runpy

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.utils import ConnectionHandler
from django.test import Client

import meldpunt.settings
from tests.deploy.profile import SECRET, production_env, run, shared_database_url
from tests.support import factories as f
from tests.support.servers import free_port

DEV_KEY = "dev-only-not-secret-change-me-in-production-please"


def test_check_deploy_passes_in_the_production_profile(tmp_path):
    result = run(["check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_https(tmp_path):
    env = production_env(tmp_path)
    del env["MELDPUNT_HTTPS"]
    result = run(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr  # HSTS, SSL redirect


@pytest.mark.parametrize("key", [None, "", DEV_KEY, "short-key", "x" * 60], ids=["unset", "empty", "public", "short", "one-char"])
@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["check", "--deploy"], ["ingest-mail", "a.eml"]])
def test_no_start_without_a_real_secret_key(tmp_path, key, command):
    env = production_env(tmp_path)
    if key is None:
        del env["MELDPUNT_SECRET_KEY"]
    else:
        env["MELDPUNT_SECRET_KEY"] = key
    result = run(command, env)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"meldpunt {command[0]}: MELDPUNT_SECRET_KEY ")


@pytest.mark.parametrize("key", [None, "", "not-a-key", "c2hvcnQ=", "Zm9v,,"], ids=["unset", "empty", "garbage", "short", "list"])
def test_no_start_without_a_field_key(tmp_path, key):
    env = production_env(tmp_path)
    if key is None:
        del env["MELDPUNT_FIELD_KEY"]
    else:
        env["MELDPUNT_FIELD_KEY"] = key
    result = run(["migrate"], env)
    assert (result.returncode, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("meldpunt migrate: MELDPUNT_FIELD_KEY ")
    assert ("is not set" in lines[0]) == (key in (None, "")), lines[0]


def test_field_keys_of_the_profile(monkeypatch, tmp_path):
    from tests.deploy.profile import FIELD_KEY

    assert profile_settings(monkeypatch, tmp_path)["MELDPUNT_FIELD_KEYS"] == [FIELD_KEY.encode()]
    other = "b2xkLWtleS1mb3Itcm90YXRpb24tMzItYnl0ZXMtISE="
    rotated = profile_settings(monkeypatch, tmp_path, MELDPUNT_FIELD_KEY=f" {FIELD_KEY} , {other} ")
    assert rotated["MELDPUNT_FIELD_KEYS"] == [FIELD_KEY.encode(), other.encode()]
    debug = profile_settings(monkeypatch, tmp_path, MELDPUNT_DEBUG="1", MELDPUNT_FIELD_KEY="")
    assert len(debug["MELDPUNT_FIELD_KEYS"]) == 1 and debug["MELDPUNT_FIELD_KEYS"][0] != FIELD_KEY.encode()


def test_the_development_profile_takes_the_public_key(tmp_path):
    env = production_env(tmp_path, MELDPUNT_DEBUG="1")
    del env["MELDPUNT_SECRET_KEY"], env["MELDPUNT_HTTPS"]
    assert run(["check"], env).returncode == 0


def test_wsgi_without_a_key_names_the_variable(tmp_path):
    import subprocess
    import sys

    env = production_env(tmp_path)
    del env["MELDPUNT_SECRET_KEY"]
    result = subprocess.run([sys.executable, "-c", "import meldpunt.wsgi"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("django.core.exceptions.ImproperlyConfigured: MELDPUNT_SECRET_KEY is not set")


def test_health_says_when_the_database_is_down(tmp_path):
    """A process whose database cannot be reached: /health/ answers 503, database not ok."""
    env = production_env(tmp_path, MELDPUNT_HTTPS="0", MELDPUNT_ALLOWED_HOSTS="testserver",
                         DATABASE_URL=f"postgres://nobody@127.0.0.1:{free_port()}/meldpunt?connect_timeout=2")
    script = ("from django.test import Client; r = Client().get('/health/'); "
              "print(r.status_code, r.content.decode())")
    result = run(["shell", "--no-imports", "-c", script], env)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)  # a command's logs go to stderr: stdout is its own
    assert status == "503"
    report = json.loads(body)
    assert report["ok"] is False and report["database"] == {"ok": False, "error": "OperationalError"}
    # the 503 is logged as a JSON line, DEBUG off
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(line["logger"] == "django.request" and line["level"] == "ERROR" for line in logged), result.stderr


# --- settings of the profile, applied in this process -------------------------------------

def profile_settings(monkeypatch, tmp_path, **env) -> dict:
    """The settings module run again under the production environment (the same file)."""
    for name in list(__import__("os").environ):
        if name.startswith("MELDPUNT_"):
            monkeypatch.delenv(name)
    for name, value in production_env(tmp_path, **env).items():
        if name.startswith("MELDPUNT_"):
            monkeypatch.setenv(name, value)
    return runpy.run_path(meldpunt.settings.__file__)


HTTPS_SETTINGS = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT",
                  "SECURE_REDIRECT_EXEMPT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                  "SECURE_HSTS_PRELOAD", "CSRF_TRUSTED_ORIGINS", "ALLOWED_HOSTS"]


def test_profile_settings(monkeypatch, tmp_path):
    ns = profile_settings(monkeypatch, tmp_path, MELDPUNT_ALLOWED_HOSTS="desk.example.com, .vendor.example")
    assert ns["DEBUG"] is False and ns["SECRET_KEY"] == SECRET
    assert ns["ALLOWED_HOSTS"] == ["desk.example.com", ".vendor.example"]
    assert ns["CSRF_TRUSTED_ORIGINS"] == ["https://desk.example.com", "https://*.vendor.example"]
    assert ns["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert ns["SECURE_HSTS_SECONDS"] >= 31_536_000 and ns["SESSION_COOKIE_SECURE"] and ns["CSRF_COOKIE_SECURE"]
    plain = profile_settings(monkeypatch, tmp_path, MELDPUNT_HTTPS="0")
    assert "SECURE_PROXY_SSL_HEADER" not in plain and "CSRF_TRUSTED_ORIGINS" not in plain


@pytest.mark.django_db
def test_login_post_behind_an_https_proxy(monkeypatch, tmp_path, settings):
    ns = profile_settings(monkeypatch, tmp_path)
    user = f.staff_user()
    user.set_password("a-long-pass-phrase")
    user.save()
    proxy = {"HTTP_HOST": "desk.example.com", "HTTP_X_FORWARDED_PROTO": "https"}

    def login(origin: str) -> int:
        client = Client(enforce_csrf_checks=True)
        client.get("/login/", **proxy)
        token = client.cookies["csrftoken"].value
        return client.post("/login/", {"username": user.username, "password": "a-long-pass-phrase",
                                       "csrfmiddlewaretoken": token},
                           HTTP_ORIGIN=origin, HTTP_REFERER=f"{origin}/login/", **proxy)

    settings.ALLOWED_HOSTS = ["desk.example.com"]
    assert login("https://desk.example.com").status_code == 403  # without the profile: refused by CSRF
    for name in HTTPS_SETTINGS:
        setattr(settings, name, ns[name])
    response = login("https://desk.example.com")
    assert response.status_code == 302, response.content[:300]
    assert response.cookies["sessionid"]["secure"] is True
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert login("https://evil.example.org").status_code == 403
    # plain HTTP is sent to HTTPS, except the health check of a load balancer
    assert Client().get("/login/", HTTP_HOST="desk.example.com").status_code == 301
    assert Client().get("/health/", HTTP_HOST="desk.example.com").status_code in (200, 503)


# --- DATABASE_URL ----------------------------------------------------------------------------

def test_database_url_keeps_its_options(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://desk:p%40ss@db.example.com:6432/meldpunt"
                                       "?sslmode=require&sslrootcert=/etc/ssl/ca.pem")
    db = meldpunt.settings.database_from_env()
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == ("meldpunt", "desk", "p@ss", "db.example.com", 6432)
    assert db["OPTIONS"] == {"sslmode": "require", "sslrootcert": "/etc/ssl/ca.pem"}
    assert db["CONN_HEALTH_CHECKS"] is True and db["CONN_MAX_AGE"] == 60
    monkeypatch.setenv("DATABASE_URL", "mysql://desk@db/meldpunt")
    with pytest.raises(ImproperlyConfigured, match="postgres://"):
        meldpunt.settings.database_from_env()


@pytest.mark.django_db
def test_database_url_options_reach_the_server(monkeypatch):
    """On PostgreSQL a query option is really used by the connection (on SQLite: the URL of
    the test database is PostgreSQL's, so there is none to open)."""
    url = shared_database_url()
    if url is None:
        assert connection.vendor == "sqlite"
        return
    monkeypatch.setenv("DATABASE_URL", url + "?application_name=meldpunt-url-test&sslmode=disable")
    handler = ConnectionHandler({"default": meldpunt.settings.database_from_env()})  # its own, not the suite's
    try:
        with handler["default"].cursor() as cursor:
            cursor.execute("SHOW application_name")
            assert cursor.fetchone()[0] == "meldpunt-url-test"
    finally:
        handler.close_all()
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
