"""A real django-helpdesk for the history import: its own venv and project, made and served
by bench/helpdesk_peer.py exactly as the benchmark makes it (the venv is made once, in
var/bench/helpdesk-venv, and reused while bench/helpdesk/requirements.txt is unchanged),
on its own SQLite database, seeded with :data:`TICKETS` tickets of the past 60 days
(bench/helpdesk/bench_setup.py ``seed``). Built once per session."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import helpdesk_peer as peer  # noqa: E402  (bench/)

TICKETS = 250


@pytest.fixture(scope="session")
def helpdesk():
    """The running desk: ``url``, a staff user's ``token`` and the seeded ``tickets`` (number,
    submitter, status, original date, follow-ups)."""
    python = peer.helpdesk_python(peer.DEFAULT_VENV)
    data = Path(tempfile.mkdtemp(prefix="meldpunt-helpdesk-"))
    env = peer.helpdesk_env(f"sqlite:///{data / 'db.sqlite3'}", data)
    seeded = peer.helpdesk_step(python, env, "seed", str(TICKETS))
    server = peer.helpdesk_server(peer.DEFAULT_VENV, env, 2, data / "gunicorn.log")
    server.start("/api/")
    try:
        yield {"url": server.url, "token": seeded["token"], "tickets": seeded["tickets"]}
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
