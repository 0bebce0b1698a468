"""Marks an English text for translation without importing Django: ``gettext_noop`` returns
its text unchanged, and ``makemessages`` (which knows the name) extracts it into the
catalogue. The app that shows the text translates it with ``gettext`` (e.g. a catalog rule's
reason, ``contracts.catalog_words.catalog_error_words``)."""

from __future__ import annotations


def gettext_noop(text: str) -> str:
    """``text`` as it is; the name marks it for extraction."""
    return text


class WordedError(ValueError):
    """A ``ValueError`` whose English is ``template % params``; ``template`` is marked with
    :func:`gettext_noop`, so an app that shows the error can word it in the reader's language
    (a catalog reader passes both on to its ``CatalogError``)."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params)
        self.template, self.params = template, params
