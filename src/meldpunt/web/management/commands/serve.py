"""``meldpunt serve``: the production web server, gunicorn, in place of this process.

``--bind`` (repeatable) or ``MELDPUNT_BIND`` (comma list; 127.0.0.1:8000), ``--workers`` or
``MELDPUNT_WEB_WORKERS`` (2 × CPUs + 1). The process becomes gunicorn (exec), so a service
manager's TERM reaches it directly and it stops gracefully. Its settings and the JSON access
log on stdout: :mod:`meldpunt.web.gunicorn_conf`. Static files are served by WhiteNoise
from ``STATIC_ROOT`` (run ``meldpunt collectstatic`` after an install or upgrade).
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


def default_workers() -> int:
    cores = (os.process_cpu_count() if hasattr(os, "process_cpu_count") else os.cpu_count()) or 1
    return 2 * cores + 1


class Command(BaseCommand):
    help = gettext_noop("Run the production web server (gunicorn): JSON access log on stdout.")
    requires_system_checks = []  # `meldpunt check --deploy` is the deploy step; workers load the app

    def add_arguments(self, parser):
        parser.add_argument("--bind", action="append", metavar="HOST:PORT",
                            help=_("address to listen on, repeatable (MELDPUNT_BIND, default 127.0.0.1:8000)"))
        parser.add_argument("--workers", type=int, help=_("worker processes (MELDPUNT_WEB_WORKERS, default 2 x CPUs + 1)"))

    def handle(self, *args, bind=None, workers=None, **options):
        binds = bind or [b.strip() for b in os.environ.get("MELDPUNT_BIND", "127.0.0.1:8000").split(",") if b.strip()]
        if workers is None:
            text = os.environ.get("MELDPUNT_WEB_WORKERS", "")
            try:
                workers = int(text) if text else default_workers()
            except ValueError:
                raise CommandError(_("MELDPUNT_WEB_WORKERS: %(text)r is not a number") % {"text": text}, returncode=2) from None
        if workers < 1:
            raise CommandError(_("--workers: at least 1"), returncode=2)
        argv = [sys.executable, "-m", "gunicorn", "--config", "python:meldpunt.web.gunicorn_conf",
                "--workers", str(workers)]
        for address in binds:
            argv += ["--bind", address]
        argv.append("meldpunt.wsgi:application")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)
