"""Is a request complete enough to be worked on? (seeds 000/001, procedure seed 002).

Seed 002: the on-duty support manager first checks completeness, then coverage. Seeds
000/001: an incident report needs a problem description, the error code if there is one
(Invantive codes start with ``itgen``) and a minimal reproduction (product, version,
steps). What each kind needs is catalog data (``[[completeness.<kind>]]``, with what to
ask per language); this module only applies it and reports each missing field and its
problem. The words around that (a field's name when a rule has no ``ask``, the message that
sends an incomplete request back) are the triage app's: ``meldpunt.triage.completeness_words``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from meldpunt.core.marks import gettext_noop

#: The request fields a completeness rule may name, each with its English name (what is asked
#: for when a rule gives no ``ask`` of its own); marked for the catalogue, the app words it in
#: the reader's language (``meldpunt.triage.completeness_words``).
FIELDS: dict[str, str] = {
    "subject": gettext_noop("subject"),
    "description": gettext_noop("problem description"),
    "product": gettext_noop("product"),
    "product_version": gettext_noop("version"),
    "error_code": gettext_noop("error code"),
    "reproduction": gettext_noop("reproduction steps"),
    "agreement": gettext_noop("agreement code"),
}


@dataclass(frozen=True)
class Requirement:
    """One thing a request of some kind must contain.

    ``required``: False means "if any" (an error code): it may be absent, but when given it
    must match ``pattern``. ``min_length`` counts non-blank characters.
    """

    field: str
    ask: Mapping[str, str]
    required: bool = True
    min_length: int = 1
    pattern: str | None = None
    hint: Mapping[str, str] = dataclasses.field(default_factory=dict)  # the name field is taken above

    def text(self, language: str, names: Mapping[str, str] = FIELDS) -> str:
        """What we ask for: the catalog's ``ask`` in ``language`` (else its English one), else
        the field's name from ``names`` (English unless the app passes them worded)."""
        return self.ask.get(language) or self.ask.get("en") or names[self.field]

    def asked(self, problem: str, language: str, names: Mapping[str, str] = FIELDS) -> str:
        """:meth:`text`, with the catalog's ``hint`` when the value given does not look right."""
        hint = (self.hint.get(language) or self.hint.get("en") or "") if problem == "invalid" else ""
        return f"{self.text(language, names)}{f' ({hint})' if hint else ''}"


@dataclass(frozen=True)
class Missing:
    field: str
    problem: str  # "missing", "too_short" or "invalid"
    text: str  # what we ask for, in the customer's language

    def as_dict(self) -> dict:
        return {"field": self.field, "problem": self.problem, "text": self.text}


@dataclass(frozen=True)
class Completeness:
    complete: bool
    missing: tuple[Missing, ...] = ()

    @property
    def outcome(self) -> str:
        return "complete" if self.complete else "incomplete"


def check_completeness(
    requirements: Sequence[Requirement], values: Mapping[str, str], language: str = "en",
    names: Mapping[str, str] = FIELDS,
) -> Completeness:
    """What ``values`` (the request's fields) lack under ``requirements``; each worded as the
    catalog asks it in ``language``, a field without an ``ask`` by its name in ``names``."""
    missing = []
    for rule in requirements:
        value = (values.get(rule.field) or "").strip()
        if not value:
            if rule.required:
                missing.append(Missing(rule.field, "missing", rule.asked("missing", language, names)))
            continue
        if len("".join(value.split())) < rule.min_length:
            missing.append(Missing(rule.field, "too_short", rule.asked("too_short", language, names)))
        elif rule.pattern and not re.search(rule.pattern, value):
            missing.append(Missing(rule.field, "invalid", rule.asked("invalid", language, names)))
    return Completeness(not missing, tuple(missing))
