"""Is a request covered by the agreement? And may a special-event weekend be booked?

Seed 002: after completeness the on-duty support manager checks coverage; a request the
contract does not cover becomes an advisory-services request with a proposal. What is
covered is catalog data: the package's ``covers`` (kinds), the agreement's period, the
add-on areas (ERP.M Koppeling: only the named integrations paid for; PriorityMigration:
standard migration only) and the package limits (exceeded limits are flagged).

The special-event weekend (seed 003, Xtreme Elite; catalog ``[special_weekend]``, see
:mod:`meldpunt.core.special_weekend`): how many per agreement year, how far ahead, not
carried over to the next year.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

Texts = Mapping[str, str]


@dataclass(frozen=True)
class Area:
    """A subject an add-on covers (catalog ``[[coverage.areas]]``).

    A request is about the area when the agent said so or its text holds one of
    ``keywords``. ``named_by``: the add-on whose agreement ``names`` list what is covered
    (the Koppeling integrations). ``scopes``: scope → keywords; only ``covered_scopes`` are
    covered (Migration: standard, not custom or third-party modules).
    """

    id: str
    entitlement: str
    keywords: tuple[str, ...] = ()
    named_by: str | None = None
    scopes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    covered_scopes: tuple[str, ...] = ()
    label: Texts = field(default_factory=dict)


@dataclass(frozen=True)
class CoverageRules:
    """The catalog's ``[coverage]`` table."""

    not_covered: Mapping[str, Texts] = field(default_factory=dict)  # kind → why not
    areas: tuple[Area, ...] = ()
    advisory_kind: str = "advisory"
    consultant_kind: str = "consultant"
    proposal_valid_days: int = 14
    remote_access_rule: Texts = field(default_factory=dict)


@dataclass(frozen=True)
class Terms:
    """What the agreement grants, as plain data (the app converts its rows)."""

    code: str
    covers: frozenset[str]
    entitlements: frozenset[str]
    starts_on: date
    ends_on: date | None = None
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # add-on id → named things
    limit_excesses: tuple[str | Mapping[str, str], ...] = ()  # one text, or its "en" and "nl"


@dataclass(frozen=True)
class Subject:
    """The request as coverage sees it."""

    kind: str
    on: date
    text: str = ""
    area: str = ""  # set by an agent; otherwise found from keywords
    name: str = ""  # e.g. the integration it is about
    scope: str = ""  # e.g. standard, custom, third_party


@dataclass(frozen=True)
class Reason:
    code: str
    texts: Texts

    def text(self, language: str = "en") -> str:
        return self.texts.get(language) or self.texts.get("en") or self.code

    def as_dict(self) -> dict:
        return {"code": self.code, "en": self.text("en"), "nl": self.text("nl")}


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reasons: tuple[Reason, ...]
    flags: tuple[Reason, ...] = ()

    @property
    def outcome(self) -> str:
        return "covered" if self.covered else "not_covered"


def _r(code: str, en: str, nl: str) -> Reason:
    return Reason(code, {"en": en, "nl": nl})


def _mentions(text: str, words: Sequence[str]) -> str | None:
    lowered = text.lower()
    for word in words:
        if re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", lowered):
            return word
    return None


def _both(text: str | Mapping[str, str]) -> tuple[str, str]:
    return (text, text) if isinstance(text, str) else (text["en"], text["nl"])


def check_coverage(rules: CoverageRules, terms: Terms, subject: Subject, kind_label: Texts | None = None) -> Coverage:
    """Covered or not, with every reason (seed 002); limit excesses only flag."""
    reasons: list[Reason] = []
    kind_en = (kind_label or {}).get("en", subject.kind)
    kind_nl = (kind_label or {}).get("nl", subject.kind)
    if subject.on < terms.starts_on or (terms.ends_on is not None and subject.on > terms.ends_on):
        until = terms.ends_on.isoformat() if terms.ends_on else "…"
        reasons.append(_r("period", f"Agreement {terms.code} runs {terms.starts_on.isoformat()} – {until}; "
                          f"the request of {subject.on.isoformat()} falls outside it",
                          f"Overeenkomst {terms.code} loopt {terms.starts_on.isoformat()} – {until}; "
                          f"het verzoek van {subject.on.isoformat()} valt erbuiten"))
    if subject.kind not in terms.covers:
        why = rules.not_covered.get(subject.kind)
        reasons.append(Reason("kind", why) if why else _r(
            "kind", f"A {kind_en.lower()} is not covered by the package",
            f"Een {kind_nl.lower()} valt niet onder het pakket"))
    else:
        reasons += _area_reasons(rules, terms, subject)
    flags = tuple(_r("limit", f"Limit exceeded: {en}", f"Limiet overschreden: {nl}")
                  for en, nl in (_both(text) for text in terms.limit_excesses))
    if not reasons:
        reasons.append(_r("covered", f"{kind_en} covered by agreement {terms.code}",
                          f"{kind_nl} valt onder overeenkomst {terms.code}"))
        return Coverage(True, tuple(reasons), flags)
    return Coverage(False, tuple(reasons), flags)


def area_of(rules: CoverageRules, subject: Subject) -> Area | None:
    if subject.area:
        return next((a for a in rules.areas if a.id == subject.area), None)
    return next((a for a in rules.areas if _mentions(subject.text, a.keywords)), None)


def _area_reasons(rules: CoverageRules, terms: Terms, subject: Subject) -> list[Reason]:
    area = area_of(rules, subject)
    if area is None:
        return []
    en, nl = area.label.get("en", area.id), area.label.get("nl", area.id)
    if area.entitlement not in terms.entitlements:
        return [_r("area", f"{en}: not part of agreement {terms.code}",
                   f"{nl}: geen onderdeel van overeenkomst {terms.code}")]
    if area.named_by is not None:
        paid = terms.names.get(area.named_by, ())
        named = subject.name.strip() or _mentions(subject.text, paid) or ""
        if not named or named.lower() not in {p.lower() for p in paid}:
            listed = ", ".join(paid) or "–"
            what_en, what_nl = (f"'{named}'", f"'{named}'") if named else ("none of them", "er geen")
            return [_r("area_name", f"{en}: the request names {what_en}; paid for: {listed}",
                       f"{nl}: het verzoek noemt {what_nl}; betaald: {listed}")]
    if area.scopes:
        scope = subject.scope or next((s for s, words in area.scopes.items() if _mentions(subject.text, words)), "")
        scope = scope or (area.covered_scopes[0] if area.covered_scopes else "")
        if scope not in area.covered_scopes:
            shown = scope.replace("_", "-")
            return [_r("area_scope", f"{en}: {shown} is excluded (covered: {', '.join(area.covered_scopes)})",
                       f"{nl}: {shown} valt erbuiten (gedekt: {', '.join(area.covered_scopes)})")]
    return []


# ------------------------------------------------------------ special-event weekend
def agreement_year(starts_on: date, day: date) -> tuple[date, date]:
    """The agreement year (anniversary to the day before the next) that holds ``day``."""
    years = day.year - starts_on.year - ((day.month, day.day) < (starts_on.month, starts_on.day))
    return _anniversary(starts_on, years), _anniversary(starts_on, years + 1) - timedelta(days=1)


def _anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def check_weekend(
    *, entitled: bool, saturday: date, today: date, starts_on: date, ends_on: date | None,
    booked: Sequence[date], notice_days: int = 14, start_day: int = 5, last_day: date | None = None,
    per_year: int = 1, granted_by: str = "",
) -> list[Reason]:
    """Why a special-event weekend starting on ``saturday`` (the window's first day, on
    weekday ``start_day``; ``last_day`` its last) cannot be booked ([] = it can).

    ``booked``: the first days of the agreement's weekends still standing (requested or
    approved). ``per_year`` per agreement year; an unused one is not carried over.
    ``granted_by``: the packages that grant it, named in the refusal.
    """
    reasons = []
    if not today - timedelta(days=366) <= saturday <= today + timedelta(days=3 * 366):
        return [_r("range", "Choose a weekend within the next three years",
                   "Kies een weekend binnen de komende drie jaar")]
    if not entitled:
        only_en, only_nl = (f" ({granted_by} only)", f" (alleen {granted_by})") if granted_by else ("", "")
        reasons.append(_r("entitlement", f"The package has no special-event weekend{only_en}",
                          f"Het pakket heeft geen weekend voor speciale gebeurtenissen{only_nl}"))
    if saturday.weekday() != start_day:
        day_en, day_nl = _DAY_EN[start_day], _DAY_NL[start_day]
        reasons.append(_r("saturday", f"A special-event weekend starts on a {day_en}",
                          f"Een weekend voor speciale gebeurtenissen begint op een {day_nl}"))
    if (saturday - today).days < notice_days:
        reasons.append(_r("notice", f"Request it at least {notice_days} days ahead (earliest {(today + timedelta(days=notice_days)).isoformat()})",
                          f"Vraag het minstens {notice_days} dagen van tevoren aan (vroegst {(today + timedelta(days=notice_days)).isoformat()})"))
    last = last_day or saturday + timedelta(days=1)
    if saturday < starts_on or (ends_on is not None and last > ends_on):
        reasons.append(_r("period", "The weekend falls outside the agreement's period",
                          "Het weekend valt buiten de looptijd van de overeenkomst"))
        return reasons
    year_start, year_end = agreement_year(starts_on, saturday)
    if sum(1 for other in booked if year_start <= other <= year_end) >= per_year:
        times_en = "its weekend" if per_year == 1 else f"its {per_year} weekends"
        times_nl = "zijn weekend" if per_year == 1 else f"zijn {per_year} weekenden"
        reasons.append(_r("one_per_year", f"This agreement year ({year_start.isoformat()} – {year_end.isoformat()}) already has {times_en}; unused weekends are not carried over",
                          f"Dit contractjaar ({year_start.isoformat()} – {year_end.isoformat()}) heeft {times_nl} al; een ongebruikt weekend schuift niet door"))
    return reasons


_DAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
