"""The language of the ``meldpunt`` command's own texts, and argparse's errors in it.

The command speaks the language its user asked for: ``--language nl|en`` where a command has
it (``deadline``, ``catalog check``), else the shell's locale as gettext programs read it
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``nl_NL.UTF-8`` is Dutch), else English.
argparse words its errors in English itself; :func:`argparse_words` puts the ones a user
meets into the active language through gettext (Dutch in the project catalogue).
"""

from __future__ import annotations

import os
import re

from django.apps import apps
from django.utils.translation import gettext

LANGUAGES = ("en", "nl")


def _(message: str) -> str:
    """gettext once Django is set up; before that (settings the command refuses, read
    before anything could be translated) the English."""
    return gettext(message) if apps.ready else message


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogue (``makemessages`` extracts it) and returns it as it
    is: Django's own needs settings, the command list does not."""
    return message


def cli_language(argv: list[str], environ: dict[str, str] | None = None) -> str:
    """``nl`` or ``en`` for a command line ``argv`` (its ``--language`` first)."""
    for i, word in enumerate(argv):
        if word == "--language" and i + 1 < len(argv):
            chosen = argv[i + 1]
        elif word.startswith("--language="):
            chosen = word.partition("=")[2]
        else:
            continue
        if chosen in LANGUAGES:
            return chosen
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:  # the first one set decides, as in gettext ("nl:en", "nl_NL.UTF-8", "C")
            return "nl" if value.split(":")[0][:2].lower() == "nl" else "en"
    return "en"


def _patterns() -> list[tuple[re.Pattern, str]]:
    # Python 3.13's argparse texts; one it does not match stays as argparse wrote it.
    return [
        (re.compile(r"argument (?P<argument>\S+): (?P<message>.+)"), _("argument %(argument)s: %(message)s")),
        (re.compile(r"invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)"),
         _("invalid choice: %(value)s (choose from %(choices)s)")),
        (re.compile(r"the following arguments are required: (?P<names>.+)"),
         _("the following arguments are required: %(names)s")),
        (re.compile(r"unrecognized arguments: (?P<names>.+)"), _("unrecognized arguments: %(names)s")),
        (re.compile(r"one of the arguments (?P<names>.+) is required"), _("one of the arguments %(names)s is required")),
        (re.compile(r"not allowed with argument (?P<other>.+)"), _("not allowed with argument %(other)s")),
        (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"),
         _("ambiguous option: %(option)s could match %(matches)s")),
        (re.compile(r"invalid (?P<type>\S+) value: (?P<value>.+)"), _("invalid %(type)s value: %(value)s")),
        (re.compile(r"expected one argument"), _("expected one argument")),
        (re.compile(r"expected at least one argument"), _("expected at least one argument")),
        (re.compile(r"expected at most one argument"), _("expected at most one argument")),
    ]


def argparse_words(message: str) -> str:
    """argparse's error ``message`` in the active language."""
    for pattern, words in _patterns():
        found = pattern.fullmatch(message)
        if found:
            values = found.groupdict()
            if "message" in values:
                values["message"] = argparse_words(values["message"])
            return words % values
    return message
