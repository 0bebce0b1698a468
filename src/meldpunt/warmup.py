"""What a long-lived process loads before its first piece of work.

A web worker's first request and a task worker's first job that reverses a URL (every mailed
link does) imported every view through the URLconf, built the reverse tables and read both
translation catalogues: 1.5–3 s at the time, paid again whenever a worker is replaced.
:func:`warm_up` does it at start instead: ``web/gunicorn_conf.py`` (``post_worker_init``)
and ``meldpunt worker`` call it. Nothing is kept but Django's own import-time tables.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation


def warm_up() -> None:
    """Import the URLconf and its views, fill the reverse tables, load both catalogues."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 -- imports every URL module and view
    _reverse_tables(resolver)  # the root's table too (its namespace_dict builds it)
    for language in ("nl", "en"):
        with translation.override(language):
            translation.gettext("Console")


def _reverse_tables(resolver, path: str = "") -> None:
    """``reverse`` builds a table per namespace on its first use (for each language): the
    navigation reverses a dozen namespaces, 0.1 s on a worker's first page. One reverse of a
    name in each namespace builds them (the name's arguments are not needed for that)."""
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        name = next((key for key in sub.reverse_dict if isinstance(key, str)), None)
        for language in ("nl", "en"):
            with translation.override(language):
                try:
                    reverse(f"{path}{namespace}:{name}")
                except NoReverseMatch:
                    pass  # it wanted arguments; the table is built all the same
        _reverse_tables(sub, f"{path}{namespace}:")
