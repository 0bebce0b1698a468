"""The production profile's environment for tests that start ``meldpunt`` as a process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.db import connection

SECRET = "test-only-secret-" + "kd83jf92mcx0qp4lz7vn1bt6yr5hw-and-some-more"  # 60 characters, many distinct
FIELD_KEY = "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1sb24="  # 32 bytes, URL-safe base64 (a Fernet key)


def production_env(data: Path, **extra: str) -> dict[str, str]:
    """The environment of a production host: DEBUG off, a real key, HTTPS behind a proxy."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MELDPUNT_") and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(MELDPUNT_DEBUG="0", MELDPUNT_SECRET_KEY=SECRET, MELDPUNT_FIELD_KEY=FIELD_KEY, MELDPUNT_HTTPS="1",
               MELDPUNT_ALLOWED_HOSTS="desk.example.com", MELDPUNT_DATA=str(data),
               DJANGO_SETTINGS_MODULE="meldpunt.settings")
    if "MELDPUNT_STATIC_ROOT" in os.environ:  # a deployed host has run collectstatic (docs/deploy.md):
        env["MELDPUNT_STATIC_ROOT"] = os.environ["MELDPUNT_STATIC_ROOT"]  # the suite's collection is it
    env.update(extra)
    return env


def meldpunt_command() -> str:
    return shutil.which("meldpunt") or str(Path(sys.executable).with_name("meldpunt"))


def run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([meldpunt_command(), *args], env=env, capture_output=True, text=True, timeout=timeout)


def shared_database_url() -> str | None:
    """The URL of the test database when it is PostgreSQL (a process can share it), else None."""
    if connection.vendor != "postgresql":
        return None
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
