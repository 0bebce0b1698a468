"""A small reader of gettext .po files for the translation tests (no extra dependency)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    plural: str = ""
    context: str = ""
    strings: list[str] = field(default_factory=list)  # msgstr, or msgstr[0..n]
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str, str]:
        return self.context, self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.strings) and all(self.strings) and "fuzzy" not in self.flags


def read(path: Path) -> list[Entry]:
    """The entries of a .po file, header left out."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def close() -> None:
        nonlocal entry
        if entry.msgid or entry.strings:
            entries.append(entry)
        entry = Entry()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):  # an obsolete entry: not in the sources any more
            continue
        if not line:
            continue
        if line.startswith("#,"):
            if entry.msgid or entry.strings:
                close()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            if keyword in ("msgid", "msgctxt") and (entry.msgid or entry.strings):
                close()
            value = ast.literal_eval(rest)
            target = keyword
            if keyword.startswith("msgstr"):
                entry.strings.append("")
        if target == "msgid":
            entry.msgid += value
        elif target == "msgid_plural":
            entry.plural += value
        elif target == "msgctxt":
            entry.context += value
        elif target and target.startswith("msgstr"):
            entry.strings[-1] += value
    close()
    return [e for e in entries if e.msgid]
