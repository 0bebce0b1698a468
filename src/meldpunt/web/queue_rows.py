"""The queue's table rows as HTML, written in Python.

A queue page shows 50 rows of about fifteen values each. Through the template language every
value is a variable lookup, a localisation check and an autoescape call: at a million tickets
that was the largest part of the page's CPU (docs/benchmarks.md, queue over HTTP). The markup
here is the same as the template had; every value is escaped (``html.escape``, as Django's
``escape``), except values already marked safe (search highlights and snippets, which
``tickets.search`` builds from escaped text).
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _e(value) -> str:
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def rows_html(rows: list[dict]) -> SafeString:
    """``<tr>`` for each row's cells (``views_console._cells`` with tags and, when searching,
    a snippet), in the reader's language."""
    labels = {name: escape(text) for name, text in (
        ("subject", _("Subject")), ("status", _("Status")), ("priority", _("Priority")),
        ("deadline", _("Next deadline")), ("organisation", _("Organisation")), ("assignee", _("Assignee")))}
    paused = f'<span class="badge paused">{escape(_("Paused"))}</span>'
    out = []
    for r in rows:
        url, pk = _e(r["url"]), _e(r["pk"])
        tags = "".join(f' <span class="tag">{_e(t)}</span>' for t in r.get("tags") or ())
        snippet = f'<br><span class="snippet">{_e(r["snippet"])}</span>' if r.get("snippet") else ""
        if r["due"]:
            deadline = (f'<span class="badge {_e(r["badge"])}">{_e(r["metric"])}</span> '
                        f'<time datetime="{_e(r["due_iso"])}">{_e(r["due"])}</time>')
        else:
            deadline = paused if r["paused"] else "–"
        out.append(
            f'<tr data-href="{url}" class="{_e(r["state"])}">'
            f'<td data-label="✓"><input type="checkbox" name="tickets" value="{pk}" form="bulk-form" aria-label="#{pk}"></td>'
            f'<td data-label="#"><a href="{url}">{pk}</a></td>'
            f'<td data-label="{labels["subject"]}"><a href="{url}">{_e(r["subject"])}</a><br>'
            f'<span class="muted">{_e(r["kind"])}</span>{tags}{snippet}</td>'
            f'<td data-label="{labels["status"]}">{_e(r["status"])}</td>'
            f'<td data-label="{labels["priority"]}">{_e(r["priority"])}</td>'
            f'<td data-label="{labels["deadline"]}">{deadline}</td>'
            f'<td data-label="{labels["organisation"]}">{_e(r["organisation"])}</td>'
            f'<td data-label="{labels["assignee"]}">{_e(r["assignee"])}</td></tr>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 -- every value above is escaped or already safe
