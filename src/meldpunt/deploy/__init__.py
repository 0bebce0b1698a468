"""The deployment kit that ships with the package: systemd units for the web server, task
workers, the scheduler and mail intake, and ``meldpunt.target`` that starts them together
(docs/deploy.md walks through installing them). :func:`files` lists them, so a host that
installed the wheel copies them from here: ``cp $(meldpunt-units) /etc/systemd/system/``
is spelled ``python -m meldpunt.deploy``, which prints this folder.

The units expect the layout of docs/deploy.md: the virtualenv in ``/opt/meldpunt/venv``, the
environment in ``/etc/meldpunt/meldpunt.env``, data in ``/var/lib/meldpunt`` (systemd's
``StateDirectory``), the system user ``meldpunt``. ``tests/deploy/test_kit.py`` checks them
with ``systemd-analyze verify``.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def files() -> list[Path]:
    """The unit files of the kit, by name."""
    return sorted(p for p in FOLDER.iterdir() if p.suffix in (".service", ".target"))
