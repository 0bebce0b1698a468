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

from collections.abc import Mapping
from dataclasses import dataclass, field


class PriorityError(ValueError):
    """The inputs do not give a priority under this scheme."""


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


def matrix_reason(impact: str, urgency: str, level: str) -> str:
    """The reason a matrix decision records (English, kept on the ticket); pages that show it
    recognise it by this form and word it in the reader's language."""
    return f"impact {impact} × urgency {urgency} → {level} (matrix)"


@dataclass(frozen=True)
class PriorityDecision:
    level: str
    reason: str
    provisional: bool = False  # True: the catalog's provisional level, still to be assessed


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
        return PriorityDecision(level, f"{kind} is always priority {level} (catalog)")
    if requested is not None:
        if requested not in scheme.levels:
            raise PriorityError(
                f"priority {requested!r} is not one of {', '.join(scheme.levels)}"
            )
        return PriorityDecision(requested, f"priority {requested} chosen explicitly")
    if scheme.scheme == "matrix" and (impact is not None or urgency is not None):
        if impact not in scheme.impacts:
            raise PriorityError(f"impact {impact!r} is not one of {', '.join(scheme.impacts)}")
        if urgency not in scheme.urgencies:
            raise PriorityError(f"urgency {urgency!r} is not one of {', '.join(scheme.urgencies)}")
        level = scheme.matrix[(impact, urgency)]
        return PriorityDecision(level, matrix_reason(impact, urgency, level))
    if scheme.default is not None:
        return PriorityDecision(scheme.default, f"default priority {scheme.default} (catalog)")
    raise PriorityError(
        f"a {kind} needs impact and urgency (or an explicit priority) under this catalog"
    )


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
    return PriorityDecision(
        scheme.provisional, f"provisional priority {scheme.provisional} (catalog), to be assessed", provisional=True
    )
