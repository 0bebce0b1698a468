"""Incident details written as a labelled form in a mail or a reply ("Product: …").

Seeds 000/001 ask an incident report for a product, a version, the error code if any and
minimal reproduction steps. The portal and the API have a field for each; a mail has only
text. A customer who writes those details as ``Label: value`` lines — in Dutch or English,
in any case, with or without bullets, bold markers or a space before the colon — has them
read into the request's fields, so a complete mailed report is judged complete. The same
labels are what the completeness request asks the customer to fill in
(:func:`form_for`), so what we ask for is what we read.

Reading rules (docs/intake.md, "Details in a mail"):

- a label starts a line (after optional ``-``, ``*``, ``•`` or ``**``), ends with ``:``;
  a parenthetical after the label is allowed ("Foutcode (indien aanwezig):");
- a one-line field (product, version, error code, agreement code) takes the rest of the
  line, or the next non-blank line when the rest is empty;
- the steps (and the description) take the rest of the line and every following line
  until the next label, a signature line (``--``) or a quote header; a blank line ends
  them unless the next text line is a numbered or bulleted item;
- quoted lines (``>``) are never read: they hold our own earlier mail;
- the first occurrence of a label wins; a value that is only a placeholder (``-``, ``…``)
  or says there is none (``geen``, ``none``, ``n.v.t.``, ``n/a``) is not read, so "Foutcode:
  geen" leaves the optional error code empty instead of making it invalid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

#: The label a customer writes for each request field, per language: the first label of a
#: language is the one our mails use; the others are also read. Field names are those of
#: :data:`meldpunt.core.completeness.FIELDS`.
LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "product": {"en": ("Product", "Module"), "nl": ("Product", "Module")},
    "product_version": {"en": ("Version", "Product version"), "nl": ("Versie", "Productversie")},
    "error_code": {"en": ("Error code", "Error codes"), "nl": ("Foutcode", "Foutcodes")},
    "reproduction": {"en": ("Steps", "Steps to reproduce", "Reproduction", "Reproduction steps"),
                     "nl": ("Stappen", "Reproductie", "Reproductiestappen", "Reproductiescenario")},
    "description": {"en": ("Description", "Problem description"),
                    "nl": ("Omschrijving", "Probleemomschrijving", "Beschrijving")},
    "agreement": {"en": ("Agreement code", "Agreement"), "nl": ("Overeenkomstcode", "Overeenkomst")},
}
#: Fields whose value may run over several lines.
MULTILINE = frozenset({"reproduction", "description"})

_BY_LABEL = {label.casefold(): field for field, names in LABELS.items() for labels in names.values()
             for label in labels}
_LABEL_LINE = re.compile(
    r"^[ \t]*(?:[-*•][ \t]+)?(?:\*\*|\*|_)?"  # a bullet, bold or italic marker
    r"(?P<label>[^\W\d_][\w /-]{0,40}?)[ \t]*(?:\([^)\n]{0,60}\))?"  # the label, an optional note
    r"[ \t]*(?:\*\*|\*|_)?[ \t]*:(?:\*\*|\*|_)?[ \t]*(?P<rest>.*)$"
)
_BARE_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•])\s*$")
_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•])\s+\S")
_QUOTE_HEADER = re.compile(r"^\s*(?:On .{1,200} wrote:|Op .{1,200} schreef .{1,100}:|-{2,} ?(?:Original Message|"
                           r"Oorspronkelijk bericht|Forwarded message|Doorgestuurd bericht) ?-{2,}|From: .+|Van: .+)\s*$",
                           re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^(?:[\s\-–—_.…?]*|geen|none|n\.?v\.?t\.?|n/?a|nvt)$", re.IGNORECASE)


def _label_of(line: str) -> tuple[str, str] | None:
    """(field, rest of the line) when ``line`` starts with one of our labels."""
    match = _LABEL_LINE.match(line)
    if not match:
        return None
    field = _BY_LABEL.get(" ".join(match.group("label").split()).casefold())
    return (field, match.group("rest").strip().strip("*_").strip()) if field else None


def _ends_text(line: str) -> bool:
    return line.rstrip() in ("--", "-- ") or bool(_QUOTE_HEADER.match(line))


def read_labelled(text: str) -> dict[str, str]:
    """The details ``text`` gives as labelled lines: ``{field: value}``, only non-empty ones."""
    lines = [line.replace("\u00a0", " ").rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    found: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(">") or _ends_text(line):
            if _ends_text(line):
                break  # a signature or the quoted earlier mail: nothing of ours follows
            i += 1
            continue
        labelled = _label_of(line)
        if labelled is None:
            i += 1
            continue
        field, rest = labelled
        i += 1
        if field in MULTILINE:
            value_lines, i = _block(lines, i, rest)
            value = "\n".join(value_lines).strip()
        else:
            value = rest
            if not value:  # "Versie:" with the value on the next line
                j = i
                while j < len(lines) and not lines[j].strip():
                    j += 1
                if j < len(lines) and _label_of(lines[j]) is None and not _ends_text(lines[j]) \
                        and not lines[j].lstrip().startswith(">"):
                    value, i = lines[j].strip(), j + 1
        if value and not _PLACEHOLDER.match(value) and field not in found:
            found[field] = value
    return found


def _block(lines: Sequence[str], i: int, first: str) -> tuple[list[str], int]:
    """The lines of a multi-line value from ``i`` on, and where reading goes on."""
    block = [first] if first else []
    while i < len(lines):
        line = lines[i]
        if _label_of(line) is not None or _ends_text(line) or line.lstrip().startswith(">"):
            break
        if not line.strip():
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if not block or (j < len(lines) and _ITEM.match(lines[j])):
                i = j  # blank lines before the first step or between numbered steps
                continue
            break
        if not _BARE_ITEM.match(line):  # "2." of the blank form, left empty
            block.append(line.strip() if _ITEM.match(line) else line.rstrip())
        i += 1
    return block, i


def label(field: str, language: str) -> str:
    """The label our mails use for ``field`` in ``language`` (Dutch or English)."""
    names = LABELS[field]
    return (names.get(language) or names["en"])[0]


def form_for(fields: Sequence[str], language: str, examples: Mapping[str, str] | None = None) -> str:
    """The blank labelled form for ``fields``: one ``Label:`` line each (steps get a
    numbered start), for the customer to fill in and send back."""
    lines = []
    for field in fields:
        if field not in LABELS:
            continue
        example = (examples or {}).get(field, "")
        if field in MULTILINE:
            lines += [f"{label(field, language)}:", f"1. {example}".rstrip(), "2.", ""]
        else:
            lines.append(f"{label(field, language)}: {example}".rstrip())
    return "\n".join(lines).rstrip()
