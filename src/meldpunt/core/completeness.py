"""Is a request complete enough to be worked on? (seeds 000/001, procedure seed 002).

Seed 002: the on-duty support manager first checks completeness, then coverage. Seeds
000/001: an incident report needs a problem description, the error code if there is one
(Invantive codes start with ``itgen``) and a minimal reproduction (product, version,
steps). What each kind needs is catalog data (``[[completeness.<kind>]]``); this module
only applies it and words what is missing in the customer's language.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from meldpunt.core.labelled_fields import LABELS, form_for

#: The request fields a completeness rule may name.
FIELDS: dict[str, dict[str, str]] = {
    "subject": {"en": "subject", "nl": "onderwerp"},
    "description": {"en": "problem description", "nl": "probleemomschrijving"},
    "product": {"en": "product", "nl": "product"},
    "product_version": {"en": "version", "nl": "versie"},
    "error_code": {"en": "error code", "nl": "foutcode"},
    "reproduction": {"en": "reproduction steps", "nl": "reproductiestappen"},
    "agreement": {"en": "agreement code", "nl": "overeenkomstcode"},
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

    def text(self, language: str) -> str:
        return self.ask.get(language) or self.ask.get("en") or FIELDS[self.field]["en"]


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
    requirements: Sequence[Requirement], values: Mapping[str, str], language: str = "en"
) -> Completeness:
    """What ``values`` (the request's fields) lack under ``requirements``; in ``language``."""
    missing = []
    for rule in requirements:
        value = (values.get(rule.field) or "").strip()
        if not value:
            if rule.required:
                missing.append(Missing(rule.field, "missing", rule.text(language)))
            continue
        if len("".join(value.split())) < rule.min_length:
            missing.append(Missing(rule.field, "too_short", rule.text(language)))
        elif rule.pattern and not re.search(rule.pattern, value):
            hint = rule.hint.get(language) or rule.hint.get("en") or ""
            missing.append(Missing(rule.field, "invalid", f"{rule.text(language)}{f' ({hint})' if hint else ''}"))
    return Completeness(not missing, tuple(missing))


def missing_text(requirements: Sequence[Requirement], field: str, problem: str, language: str) -> str | None:
    """What a stored missing field asks for, in ``language`` (a reader's, not the customer's
    the assessment was worded in); None when the requirement is gone from the catalog."""
    rule = next((r for r in requirements if r.field == field), None)
    if rule is None:
        return None
    hint = (rule.hint.get(language) or rule.hint.get("en") or "") if problem == "invalid" else ""
    return f"{rule.text(language)}{f' ({hint})' if hint else ''}"


def information_request(result: Completeness, language: str, number: int | None = None) -> str:
    """The message that sends an incomplete request back to the customer (seed 002): each
    missing detail in their language, and how to send it — the labelled form that intake
    reads (:mod:`meldpunt.core.labelled_fields`), so an answer by mail fills the fields."""
    nl = language == "nl"
    head = (
        f"Om verzoek {number} in behandeling te kunnen nemen hebben wij nog het volgende van u nodig:"
        if nl and number else "Om uw verzoek in behandeling te kunnen nemen hebben wij nog het volgende van u nodig:"
        if nl else f"Before we can work on request {number} we need the following from you:"
        if number else "Before we can work on your request we need the following from you:"
    )
    lines = [head, ""] + [f"- {m.text}" for m in result.missing] + [""]
    fields = list(dict.fromkeys(m.field for m in result.missing if m.field in LABELS))
    if fields:
        lines.append(
            "Antwoord op dit bericht en vul deze regels in (boven uw antwoord, niet in de geciteerde tekst); "
            "de stappen mogen over meerdere regels lopen:"
            if nl else "Answer this message and fill in these lines (above your answer, not in the quoted text); "
            "the steps may take several lines:"
        )
        lines += ["", form_for(fields, "nl" if nl else "en"), ""]
        lines.append(
            "U kunt ook antwoorden op de pagina van het verzoek in het klantportaal. "
            "De oplostijd staat stil tot wij uw antwoord hebben."
            if nl else "You may also answer on the request's page in the customer portal. "
            "The resolution time stands still until we have your answer."
        )
    else:
        lines.append(
            "Antwoord op dit bericht; de oplostijd staat stil tot wij uw antwoord hebben."
            if nl else "Please answer this message; the resolution time stands still until we have your answer."
        )
    return "\n".join(lines)
