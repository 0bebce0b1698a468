"""What a long-lived process loads before its first piece of work.

A web worker's first request and a task worker's first job that reverses a URL (every mailed
link does) imported every view through the URLconf, built the reverse tables and read both
translation catalogues: 1.5–3 s at the time, paid again whenever a worker is replaced.
:func:`warm_up` does it at start instead: ``web/gunicorn_conf.py`` (``post_worker_init``)
and ``meldpunt worker`` call it. Nothing is kept but Django's own import-time tables.
"""

from __future__ import annotations

from django.urls import get_resolver, reverse
from django.utils import translation


def warm_up() -> None:
    """Import the URLconf and its views, fill the reverse tables, load both catalogues."""
    get_resolver().url_patterns  # noqa: B018 -- imports every URL module and view
    reverse("console:queue")  # builds the reverse lookup tables
    for language in ("nl", "en"):
        with translation.override(language):
            translation.gettext("Console")
