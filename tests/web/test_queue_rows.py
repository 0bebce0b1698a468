"""The queue's rows written in Python (meldpunt.web.queue_rows): escaped, labelled, complete."""

from __future__ import annotations

from django.utils import translation
from django.utils.safestring import mark_safe

from meldpunt.web.queue_rows import rows_html


def _row(**over) -> dict:
    row = {"pk": 7, "url": "/console/tickets/7/", "subject": "Login <script>alert(1)</script> & more",
           "kind": "Incident", "status": "New", "priority": "A", "state": "is-breached", "badge": "breached",
           "metric": "Response", "paused": False, "due_iso": "2026-12-07T10:00:00+01:00", "due": "Mon 7 Dec 10:00",
           "organisation": 'Acme "BV"', "assignee": "–", "tags": ["<b>vip</b>"]}
    row.update(over)
    return row


def test_every_value_is_escaped_and_a_safe_highlight_is_kept():
    html = rows_html([_row(), _row(pk=8, subject=mark_safe("a <mark>login</mark> error"), tags=[])])
    assert "<script>" not in html and "Login &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "Acme &quot;BV&quot;" in html and '<span class="tag">&lt;b&gt;vip&lt;/b&gt;</span>' in html
    assert "a <mark>login</mark> error" in html
    assert html.count("<tr ") == 2 and 'value="8" form="bulk-form"' in html
    assert '<span class="badge breached">Response</span> <time datetime="2026-12-07T10:00:00+01:00">Mon 7 Dec 10:00</time>' in html


def test_a_paused_row_and_the_labels_follow_the_language():
    with translation.override("nl"):
        html = rows_html([_row(due="", due_iso="", paused=True)])
    assert 'data-label="Onderwerp"' in html
    assert '<span class="badge paused">' in html and "Response</span>" not in html
    assert rows_html([]) == ""
