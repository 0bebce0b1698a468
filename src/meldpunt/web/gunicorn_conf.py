"""gunicorn's settings for ``meldpunt serve``; also usable as ``gunicorn -c python:meldpunt.web.gunicorn_conf``.

Every line gunicorn writes goes to stdout as JSON, like the application's own (meldpunt.logs):
one access line per request with its status, duration and the request id that
:mod:`meldpunt.web.requestid` gave it (the same id stands on the application's lines of that
request), and gunicorn's own messages (workers booting, a worker timing out).
"""

from __future__ import annotations

import json
import os
import traceback
from datetime import UTC, datetime

from gunicorn.glogging import Logger

from meldpunt.logs import JsonFormatter

accesslog = "-"
errorlog = "-"
capture_output = False
timeout = int(os.environ.get("MELDPUNT_WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Which proxies may set X-Forwarded-For/-Proto for gunicorn's own view; Django reads the
# protocol through SECURE_PROXY_SSL_HEADER (MELDPUNT_HTTPS=1).
forwarded_allow_ips = os.environ.get("MELDPUNT_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# A worker is replaced after this many requests (bounded memory over weeks of uptime).
max_requests = int(os.environ.get("MELDPUNT_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# No control socket: two `meldpunt serve` on one host would share its one path; nothing here uses it.
control_socket_disable = True


def _header(headers, name: str) -> str:
    name = name.upper()
    return next((value for key, value in headers if key.upper() == name), "")


class JsonLogger(Logger):
    """gunicorn's logger, writing JSON lines: the access line is built from the request."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not getattr(self, "access_log_enabled", True):
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else str(resp.status)
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": f"{req.method} {req.path} {status}",
            "request_id": _header(resp.headers, "X-Request-ID") or "-",
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "status": int(status) if status.isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR", ""),
            "forwarded_for": _header(req.headers, "X-Forwarded-For"),
            "user_agent": _header(req.headers, "User-Agent"),
        }
        try:
            self.access_log.info(json.dumps(entry, ensure_ascii=False))
        except Exception:
            self.error(traceback.format_exc())


logger_class = JsonLogger


def post_worker_init(worker) -> None:
    """Before a new worker takes its first request: import every view (the URLconf), fill
    the URL reversing tables, load the Dutch and English catalogues and compile the pages'
    templates. Without it the first request each worker answers took 1.5–3 s; with
    ``max_requests`` a worker is replaced every few thousand requests, so that happened all
    day, not only at start."""
    from pathlib import Path

    from django.apps import apps
    from django.template.loader import get_template

    from meldpunt.warmup import warm_up

    warm_up()
    # Every page template of Meldpunt's apps (about a hundred, half a second), includes too:
    # the cached loader keeps them compiled for the worker's life.
    for config in apps.get_app_configs():
        root = Path(config.path) / "templates"
        if not config.name.startswith("meldpunt") or not root.is_dir():
            continue
        for file in sorted(root.rglob("*.html")):
            name = file.relative_to(root).as_posix()
            try:
                get_template(name)
            except Exception:  # noqa: BLE001 -- a template that cannot load fails its own request, not the worker
                worker.log.exception("warm-up: template %s", name)
