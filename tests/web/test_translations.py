"""Issue 21 item 1: every text a person reads is in the Dutch catalogue, translated, and the
compiled catalogue is the one the .po says; ``makemessages`` finds nothing new in the sources."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.utils import translation

import meldpunt
from tests.support.po import Entry, read

SOURCES = Path(meldpunt.__file__).parent
MAIN = SOURCES / "locale" / "nl" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")


def catalogues(root: Path) -> list[Path]:
    return sorted(root.rglob("locale/nl/LC_MESSAGES/django.po"))


def _placeholders_differ(entry: Entry) -> bool:
    """A translation names the same %(name)s placeholders as its text (a plural's forms may
    each leave the count out)."""
    names = set(PLACEHOLDER.findall(entry.msgid + entry.plural))
    if not entry.plural:
        return set(PLACEHOLDER.findall(entry.strings[0])) != names
    return any(not set(PLACEHOLDER.findall(s)) <= names for s in entry.strings)


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    problems = []
    for path in catalogues(SOURCES):
        for entry in read(path):
            if not entry.translated:
                problems.append(f"{path.relative_to(SOURCES)}: {entry.msgid!r} {'fuzzy' if 'fuzzy' in entry.flags else 'empty'}")
            elif _placeholders_differ(entry):
                problems.append(f"{path.relative_to(SOURCES)}: {entry.msgid!r} has other placeholders")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_says_what_the_po_says():
    """The .mo is compiled from the current .po: every entry of the project catalogue (it wins
    over the apps' catalogues) reads in Dutch as written."""
    entries = [e for e in read(MAIN) if not e.plural and not e.context]
    assert len(entries) > 1000
    with translation.override("nl"):
        wrong = [(e.msgid, translation.gettext(e.msgid)) for e in entries if translation.gettext(e.msgid) != e.strings[0]]
    assert not wrong, wrong[:10]


def _translated(paths: list[Path]) -> dict[tuple[str, str], Entry]:
    return {e.key: e for path in paths for e in read(path) if e.translated}


def test_makemessages_finds_no_text_without_a_dutch_translation(tmp_path):
    """Extract every gettext call and template tag from a copy of the sources (the real
    ``makemessages``, xgettext) and look each text up in the committed catalogues."""
    copy = tmp_path / "src" / "meldpunt"
    shutil.copytree(SOURCES, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src"), "MELDPUNT_DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "meldpunt.settings", "MELDPUNT_DATA": str(tmp_path / "var")}
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "nl", "--no-obsolete"],
                   cwd=copy, env=env, check=True, capture_output=True, timeout=300)
    have = _translated(catalogues(SOURCES))
    extracted = {e.key for path in catalogues(copy) for e in read(path)}
    assert len(extracted) > 1000
    missing = sorted(msgid for context, msgid in extracted - set(have))
    assert not missing, "texts without a Dutch translation:\n" + "\n".join(missing)
