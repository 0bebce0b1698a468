"""The deployment kit that ships with the package: systemd units for the web servers, task
workers, the scheduler and mail intake, ``meldpunt.target`` that starts them together, and
``meldpunt-admin``, which runs a ``meldpunt`` command the way the units do (docs/deploy.md
walks through installing them). ``python -m meldpunt.deploy`` prints this folder, so a host
that installed the wheel copies the files from there.

The units expect the layout of docs/deploy.md: the virtualenv at ``/opt/meldpunt/venv``, the
environment in ``/etc/meldpunt/meldpunt.env``, data in ``/var/lib/meldpunt`` (systemd's
``StateDirectory``), the system user ``meldpunt``. ``tests/deploy/test_kit.py`` checks them
with ``systemd-analyze verify``.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent
ADMIN = FOLDER / "meldpunt-admin"


def files() -> list[Path]:
    """The unit files of the kit, by name."""
    return sorted(p for p in FOLDER.iterdir() if p.suffix in (".service", ".target"))
