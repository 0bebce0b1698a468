"""Marks an English text for translation without importing Django: ``gettext_noop`` returns
its text unchanged, and ``makemessages`` (which knows the name) extracts it into the
catalogue. The app that shows the text translates it with ``gettext`` (e.g. a catalog rule's
reason, ``contracts.catalog_words.catalog_error_words``)."""

from __future__ import annotations


def gettext_noop(text: str) -> str:
    """``text`` as it is; the name marks it for extraction."""
    return text
