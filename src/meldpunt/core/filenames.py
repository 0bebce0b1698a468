"""File names from outside (uploads, mail parts) made safe to store and to offer back.

A browser or a mail client may send a whole path (``../../etc/passwd``, ``C:\\x\\y.txt``),
control characters, or a name of thousands of characters. We keep the last path part,
drop control and format characters, and shorten long names while keeping the extension,
so that a download still opens in the right program.
"""

from __future__ import annotations

import unicodedata

DEFAULT_NAME = "attachment"


def safe_filename(name: str, limit: int = 200, default: str = DEFAULT_NAME) -> str:
    """The base name of ``name`` without path, control characters or surrounding dots and
    spaces, at most ``limit`` characters with its extension kept; ``default`` when nothing
    is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = " ".join(base.split())  # tabs and line breaks become one space
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    if not base:
        return default
    if len(base) <= limit:
        return base
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or len(ext) > min(20, limit // 2):  # no extension worth keeping
        return base[:limit].rstrip(" .") or default
    return stem[: limit - len(ext) - 1].rstrip(" .") + "." + ext
