"""Priority of a request from catalog data (seed 004 matrix, seeds 000/001 categories).

Two schemes exist, both plain data in the catalog:

- ``matrix``: incidents get a level from impact × urgency; kinds listed under ``fixed``
  (ERP.M: questions and change requests) always get that level (seed 004).
- ``categories``: a list of levels with a default (Invantive I/II/III, default III); the
  customer may ask for another category, which an agent accepts or refuses (seed 001).

A request that arrives without what the scheme needs (a mailed incident on a matrix
catalog has no impact or urgency) gets the catalog's ``provisional`` level, marked "to be
assessed", so no open request is without a response clock; the desk's assessment replaces
it (seed 004 step 2) and the clocks are computed again from receipt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Why a request has its priority, by code; the English is the text the ticket stores (and the
#: API shows). People read it translated: the app keeps a gettext text per code and finds the
#: code of a stored reason with :func:`read_reason`.
REASONS = {
    "fixed": "{kind} is always priority {level} (catalog)",
    "explicit": "priority {level} chosen explicitly",
    "matrix": "impact {impact} × urgency {urgency} → {level} (matrix)",
    "default": "default priority {level} (catalog)",
    "provisional": "provisional priority {level} (catalog), to be assessed",
    "unassessed": "to be assessed",
    # seed 002: a category request the desk accepted (the agent's note after the semicolon)
    "category_noted": "category {level} on the customer's request ({motivation}); {note}",
    "category": "category {level} on the customer's request ({motivation})",
}

#: Why no priority follows from the inputs, by code (English; the app translates by code).
ERRORS = {
    "level": "priority {value!r} is not one of {allowed}",
    "impact": "impact {value!r} is not one of {allowed}",
    "urgency": "urgency {value!r} is not one of {allowed}",
    "needs_matrix": "a {kind} needs impact and urgency (or an explicit priority) under this catalog",
}


class PriorityError(ValueError):
    """The inputs do not give a priority under this scheme: ``code`` (one of :data:`ERRORS`)
    and its ``params``; ``str()`` is the English."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(ERRORS[code].format(**params))


def reason_text(code: str, **params: str) -> str:
    """The English of a priority reason."""
    return REASONS[code].format(**params)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)) + "$")


_READERS = {code: _pattern(template) for code, template in REASONS.items()}


def read_reason(text: str) -> tuple[str, dict[str, str]] | None:
    """The code and params of a stored reason written by :func:`reason_text`; None for a
    reason a person wrote."""
    for code, pattern in _READERS.items():
        found = pattern.match(text)
        if found:
            return code, found.groupdict()
    return None


#: How a request for another category is motivated (``[priority] category_motivation``).
MOTIVATION_RULES = ("required", "when_asked")


@dataclass(frozen=True)
class PriorityScheme:
    scheme: str  # "matrix" or "categories"
    levels: tuple[str, ...]  # most urgent first
    default: str | None = None
    fixed: Mapping[str, str] = field(default_factory=dict)
    impacts: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()
    matrix: Mapping[tuple[str, str], str] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    provisional: str | None = None  # the level of a request not assessed yet (None: no clock until assessed)
    #: a customer's request for another category: "required" (a motivation of a sentence) or
    #: "when_asked" (seed 000: "Indien nodig zullen wij u vragen dit te motiveren")
    category_motivation: str = "required"

    def label(self, level: str, language: str = "en") -> str:
        names = self.labels.get(level, {})
        return names.get(language) or names.get("en") or level

    def rank(self, level: str, unranked: int = 9) -> int:
        """The level's place, most urgent 0, so queues can sort across catalogs; a level
        outside the scheme (or none) gets ``unranked``."""
        return min(self.levels.index(level), unranked - 1) if level in self.levels else unranked


@dataclass(frozen=True)
class PriorityDecision:
    level: str
    code: str  # one of REASONS
    params: Mapping[str, str] = field(default_factory=dict)
    provisional: bool = False  # True: the catalog's provisional level, still to be assessed

    @property
    def reason(self) -> str:
        """The English reason, as stored on the ticket."""
        return reason_text(self.code, **self.params)


def assign_priority(
    scheme: PriorityScheme,
    kind: str,
    *,
    impact: str | None = None,
    urgency: str | None = None,
    requested: str | None = None,
) -> PriorityDecision:
    """The priority a request of ``kind`` gets, and why.

    ``requested`` is an explicit level (a category the customer asked for and an agent
    accepted, or an agent's choice); it must be one of the scheme's levels. Fixed kinds
    ignore it: seed 004 says questions and change requests are *always* D.
    """
    if kind in scheme.fixed:
        level = scheme.fixed[kind]
        return PriorityDecision(level, "fixed", {"kind": kind, "level": level})
    if requested is not None:
        if requested not in scheme.levels:
            raise PriorityError("level", value=requested, allowed=", ".join(scheme.levels))
        return PriorityDecision(requested, "explicit", {"level": requested})
    if scheme.scheme == "matrix" and (impact is not None or urgency is not None):
        if impact not in scheme.impacts:
            raise PriorityError("impact", value=impact, allowed=", ".join(scheme.impacts))
        if urgency not in scheme.urgencies:
            raise PriorityError("urgency", value=urgency, allowed=", ".join(scheme.urgencies))
        level = scheme.matrix[(impact, urgency)]
        return PriorityDecision(level, "matrix", {"impact": impact, "urgency": urgency, "level": level})
    if scheme.default is not None:
        return PriorityDecision(scheme.default, "default", {"level": scheme.default})
    raise PriorityError("needs_matrix", kind=kind)


def initial_priority(
    scheme: PriorityScheme,
    kind: str,
    *,
    impact: str | None = None,
    urgency: str | None = None,
    requested: str | None = None,
) -> PriorityDecision | None:
    """The priority a request gets when it is registered: :func:`assign_priority` when the
    inputs decide one, else the catalog's provisional level marked "to be assessed" (seed 004
    step 2: the desk assesses after intake), else None (no provisional level: no clock yet)."""
    unassessed = not (impact or urgency or requested) and kind not in scheme.fixed and scheme.default is None
    if not unassessed:
        return assign_priority(scheme, kind, impact=impact or None, urgency=urgency or None,
                               requested=requested or None)
    if scheme.provisional is None:
        return None
    return PriorityDecision(scheme.provisional, "provisional", {"level": scheme.provisional}, provisional=True)
