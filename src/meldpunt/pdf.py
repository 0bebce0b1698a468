"""HTML to PDF with WeasyPrint, with one font configuration per process.

Without one, WeasyPrint builds a new fontconfig configuration for every document and that
native memory is never given back: about 225 KiB per PDF, which made a long-running worker
(quarterly reports) and the web processes (invoice downloads) grow without end
(``bench/worker_memory_bench.py`` found it). The configuration holds fonts only, no data of
a request, so one per process is safe; a lock keeps two threads from using it at once.
"""

from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _fonts():
    from weasyprint.text.fonts import FontConfiguration  # heavy import; only when a PDF is asked for

    return FontConfiguration()


def write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    with _lock:
        return HTML(string=html).write_pdf(font_config=_fonts())
