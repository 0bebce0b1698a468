"""The core's coverage and weekend reasons (:class:`meldpunt.core.coverage.Reason`) in words.

The core gives an English template, marked for the catalogue, with its parameters; here it is
translated through gettext for the reader, dates in their notation (:mod:`meldpunt.localformat`)
and catalog labels in their language. An assessment stores its reasons once, worded in every
language the desk writes (``{"code", "en", "nl"}``), so a page or mail reads the one it needs.
"""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy

from meldpunt.contracts.vocabulary_words import kind_label
from meldpunt.core.coverage import Reason, Weekday
from meldpunt.core.vocabulary import LANGUAGES
from meldpunt.localformat import day

#: A weekday inside a sentence ("begint op een zaterdag"), not as a heading.
WEEKDAYS = (pgettext_lazy("in a sentence", "Monday"), pgettext_lazy("in a sentence", "Tuesday"),
            pgettext_lazy("in a sentence", "Wednesday"), pgettext_lazy("in a sentence", "Thursday"),
            pgettext_lazy("in a sentence", "Friday"), pgettext_lazy("in a sentence", "Saturday"),
            pgettext_lazy("in a sentence", "Sunday"))


def _convert(value: object) -> object:
    if isinstance(value, Weekday):
        return str(WEEKDAYS[value])
    return day(value) if isinstance(value, date) else value


def reason_words(reason: Reason, language: str) -> str:
    """``reason`` for a reader of ``language``."""
    with translation.override(language):
        return reason.fill(gettext, language, _convert)


def stored_reason(reason: Reason) -> dict[str, str]:
    """``reason`` as an assessment keeps it: its code and its words in every language."""
    return {"code": reason.code, **{language: reason_words(reason, language) for language in LANGUAGES}}


def kind_names(kind: str) -> dict[str, str]:
    """A request kind's name in every language the desk writes (its code when unknown)."""
    return {language: kind_label(kind, language) for language in LANGUAGES}
