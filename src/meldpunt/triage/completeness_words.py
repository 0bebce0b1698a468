"""What a completeness check found missing, in the reader's language, and the message that
sends an incomplete request back to the customer (seed 002).

The core (:mod:`meldpunt.core.completeness`) applies the catalog's rules and reports each
missing field with its problem; what to ask is catalog data per language. Worded here through
gettext: a field's name when a rule has no ``ask`` of its own, and the message around the
list. No models here; an assessment stores each missing field as ``{"field", "problem",
"text"}`` (the text in the customer's language when it was assessed), and is read again in
any language from the catalog (:func:`stored_missing`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from meldpunt.core.completeness import FIELDS, Completeness, Missing, Requirement, check_completeness
from meldpunt.core.labelled_fields import LABELS, form_for


def field_names(language: str) -> dict[str, str]:
    """Each request field's name in ``language`` ("version" → "versie")."""
    with translation.override(language):
        return {field: _(name) for field, name in FIELDS.items()}


def worded_completeness(
    requirements: Sequence[Requirement], values: Mapping[str, str], language: str
) -> Completeness:
    """:func:`meldpunt.core.completeness.check_completeness`, what is missing in ``language``."""
    return check_completeness(requirements, values, language, field_names(language))


def missing_words(requirements: Sequence[Requirement], field: str, problem: str, language: str) -> str | None:
    """What a missing ``field`` asks for in ``language``; None when the catalog no longer has
    a rule for it."""
    rule = next((r for r in requirements if r.field == field), None)
    return None if rule is None else rule.asked(problem, language, field_names(language))


def stored_missing(requirements: Sequence[Requirement], stored: Sequence[Mapping], language: str) -> tuple[Missing, ...]:
    """An assessment's stored ``missing`` read in ``language``: worded again from the
    catalog's ``requirements``, the stored text when the rule is gone."""
    return tuple(Missing(m["field"], m["problem"], missing_words(requirements, m["field"], m["problem"], language)
                         or m["text"]) for m in stored)


def information_request(result: Completeness, language: str, number: int | None = None) -> str:
    """The message that sends an incomplete request back to the customer (seed 002), in
    their ``language``: each missing detail, and how to send it — the labelled form that
    intake reads (:mod:`meldpunt.core.labelled_fields`), so an answer by mail fills the fields."""
    with translation.override(language):
        head = (_("Before we can work on request %(number)s we need the following from you:") % {"number": number}
                if number else _("Before we can work on your request we need the following from you:"))
        lines = [head, ""] + [f"- {m.text}" for m in result.missing] + [""]
        fields = list(dict.fromkeys(m.field for m in result.missing if m.field in LABELS))
        if not fields:
            lines.append(_("Please answer this message; the resolution time stands still until we have your answer."))
            return "\n".join(lines)
        lines.append(_("Answer this message and fill in these lines (above your answer, not in the quoted text); "
                       "the steps may take several lines:"))
        lines += ["", form_for(fields, language), ""]
        lines.append(_("You may also answer on the request's page in the customer portal. "
                       "The resolution time stands still until we have your answer."))
        return "\n".join(lines)
