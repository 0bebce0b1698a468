"""A real django-helpdesk in its own venv: made, set up and served the same way for the
benchmark (bench/helpdesk_bench.py) and the tests of the history import (tests/history/).

django-helpdesk (pinned in ``bench/helpdesk/requirements.txt``) does not support Meldpunt's
Django, so it gets its own venv (default ``var/bench/helpdesk-venv``) made with the Python of
``scripts/find-python`` and filled from the pinned file; a stamp of the file's digest tells
when it must be filled again. Its project (``bench/helpdesk/``: settings, urls, wsgi) and its
set-up steps (``bench/helpdesk/bench_setup.py``) run in that venv; gunicorn serves it.

No set-up and no side effects on import. Failures raise :class:`PeerError` with one line
(or the tool's output) for the caller to print.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from processes import free_port, stop_process_group

ROOT = Path(__file__).resolve().parent.parent
HELPDESK_DIR = ROOT / "bench" / "helpdesk"
REQUIREMENTS = HELPDESK_DIR / "requirements.txt"
DEFAULT_VENV = ROOT / "var" / "bench" / "helpdesk-venv"


class PeerError(RuntimeError):
    """The peer could not be installed, set up or started."""


def helpdesk_python(venv: Path = DEFAULT_VENV, log: Callable[[str], None] = print) -> Path:
    """The helpdesk venv's Python, made and filled from the pinned requirements if needed."""
    python = venv / "bin" / "python"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = venv / ".bench-requirements.sha256"
    if python.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return python
    if not python.exists():
        found = subprocess.run([str(ROOT / "scripts" / "find-python")], capture_output=True, text=True)
        if found.returncode:
            raise PeerError(f"no Python for the django-helpdesk venv: {found.stderr.strip()}")
        base = found.stdout.strip()
        log(f"  creating {venv} with {base}")
        subprocess.run([base, "-m", "venv", str(venv)], check=True)
    log(f"  installing {REQUIREMENTS.relative_to(ROOT)} into it (pip)")
    pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                          "-r", str(REQUIREMENTS)], capture_output=True, text=True)
    if pip.returncode:
        raise PeerError(f"django-helpdesk could not be installed:\n{pip.stdout}\n{pip.stderr}")
    stamp.write_text(digest)
    return python


def clean_env(**extra: str) -> dict:
    """This process's environment without Django's, Meldpunt's and Python's own variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MELDPUNT_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


def helpdesk_env(database_url: str, data: Path, **extra: str) -> dict:
    """The environment of the peer's processes: its database (``postgres://…`` or
    ``sqlite:///path``) and its data folder (media, mail files)."""
    return clean_env(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="settings", HELPDESK_BENCH_DATA=str(data), **extra)


def helpdesk_step(python: Path, env: dict, *args: str) -> dict:
    """Run one step of ``bench/helpdesk/bench_setup.py`` in the venv; its last line is JSON."""
    done = subprocess.run([str(python), str(HELPDESK_DIR / "bench_setup.py"), *args], env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise PeerError(f"django-helpdesk step {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Server:
    """gunicorn with the benchmark's flags (the same for both products of the benchmark);
    only the app, its environment and folder differ."""

    def __init__(self, name: str, gunicorn: Path, app: str, env: dict, workers: int, cwd: Path, log_path: Path):
        self.name, self.port, self.log_path = name, free_port(), log_path
        self.args = [str(gunicorn), "--workers", str(workers), "--worker-class", "sync", "--bind",
                     f"127.0.0.1:{self.port}", "--timeout", "120", "--log-level", "warning",
                     "--error-logfile", str(self.log_path), "--no-control-socket",
                     "--config", str(HELPDESK_DIR / "gunicorn_conf.py"), app]
        self.env, self.cwd, self.proc = env, cwd, None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, probe: str) -> None:
        self.log_path.unlink(missing_ok=True)
        with open(self.log_path, "ab") as out:  # gunicorn's error log and the workers' stderr
            self.proc = subprocess.Popen(self.args, env=self.env, cwd=self.cwd, stdout=out, stderr=out,
                                         start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise PeerError(f"{self.name}: gunicorn exited with {self.proc.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", probe)
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise PeerError(f"{self.name}: gunicorn did not answer within 60 s; see {self.log_path}")

    def stop(self) -> None:
        stop_process_group(self.proc)


def helpdesk_server(venv: Path, env: dict, workers: int, log_path: Path) -> Server:
    """The peer served by gunicorn from its venv (not started yet)."""
    return Server("helpdesk", venv / "bin" / "gunicorn", "wsgi:application", env, workers, HELPDESK_DIR, log_path)
