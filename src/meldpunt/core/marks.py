"""Marks an English text for translation without importing Django: ``gettext_noop`` returns
its text unchanged, and ``makemessages`` (which knows the name) extracts it into the
catalogue. The app that shows the text translates it with ``gettext`` (e.g. a catalog rule's
reason, ``contracts.catalog_words.catalog_error_words``)."""

from __future__ import annotations

from collections.abc import Callable


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


class Words:
    """An English text made of a ``template`` (marked with :func:`gettext_noop`) and its
    ``params``, kept apart so an app can word it in the reader's language: ``word(gettext)``.
    A parameter may itself be :class:`Words`. Two are equal when template and parameters are
    (``meldpunt catalog diff`` compares them); ``str()`` is the English."""

    __slots__ = ("template", "params")

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params

    def word(self, translate: Callable[[str], str]) -> str:
        return translate(self.template) % {
            name: value.word(translate) if isinstance(value, Words) else value for name, value in self.params.items()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and (self.template, self.params) == (other.template, other.params)

    def __hash__(self) -> int:
        return hash(self.template)

    def __str__(self) -> str:
        return self.word(lambda text: text)

    def __repr__(self) -> str:
        return f"Words({str(self)!r})"


class Joined(Words):
    """Several :class:`Words` (or plain texts) read one after the other, ``separator`` between."""

    __slots__ = ("parts", "separator")

    def __init__(self, parts: list[Words | str], separator: str = "; ") -> None:
        super().__init__("")
        self.parts, self.separator = parts, separator

    def word(self, translate: Callable[[str], str]) -> str:
        return self.separator.join(p.word(translate) if isinstance(p, Words) else p for p in self.parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (self.parts, self.separator) == (other.parts, other.separator)

    def __hash__(self) -> int:
        return hash(self.separator)
