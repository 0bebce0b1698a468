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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from meldpunt.core.marks import gettext_noop

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


class Weekday(int):
    """A reason's parameter that is a weekday (0 = Monday), named in the reader's language."""


def _english(value: object) -> object:
    if isinstance(value, Weekday):
        return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[value]
    return value.isoformat() if isinstance(value, date) else value


@dataclass(frozen=True)
class Reason:
    """Why a request is (not) covered, or a weekend cannot be booked: a ``code``, and either
    an English ``template`` marked for the catalogue with its ``params``, or the catalog's own
    ``texts`` per language. An app words it for its reader (``triage.reason_words``): the
    template translated, a parameter that is a mapping (a catalog label per language) in that
    language, a date or :class:`Weekday` in the reader's words. ``str()`` is English."""

    code: str
    template: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    texts: Texts | None = None

    def fill(self, translate: Callable[[str], str], language: str,
             convert: Callable[[object], object] = _english) -> str:
        """The reason in ``language``: ``translate`` the template, ``convert`` a date or weekday."""
        if self.texts is not None:
            return self.texts.get(language) or self.texts.get("en") or self.code
        values = {name: (value.get(language) or value.get("en") or "") if isinstance(value, Mapping) else convert(value)
                  for name, value in self.params.items()}
        return translate(self.template) % values

    def __str__(self) -> str:
        return self.fill(lambda text: text, "en")


@dataclass(frozen=True)
class Coverage:
    covered: bool
    reasons: tuple[Reason, ...]
    flags: tuple[Reason, ...] = ()

    @property
    def outcome(self) -> str:
        return "covered" if self.covered else "not_covered"


def _mentions(text: str, words: Sequence[str]) -> str | None:
    lowered = text.lower()
    for word in words:
        if re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", lowered):
            return word
    return None


def check_coverage(rules: CoverageRules, terms: Terms, subject: Subject, kind_label: Texts | None = None) -> Coverage:
    """Covered or not, with every reason (seed 002); limit excesses only flag.
    ``kind_label``: the request kind's name per language (default: its code)."""
    reasons: list[Reason] = []
    kind = dict(kind_label) if kind_label else {"en": subject.kind}
    if subject.on < terms.starts_on or (terms.ends_on is not None and subject.on > terms.ends_on):
        reasons.append(Reason("period", gettext_noop(
            "Agreement %(code)s runs %(start)s – %(end)s; the request of %(day)s falls outside it"),
            {"code": terms.code, "start": terms.starts_on, "end": terms.ends_on or "…", "day": subject.on}))
    if subject.kind not in terms.covers:
        why = rules.not_covered.get(subject.kind)
        reasons.append(Reason("kind", texts=why) if why else Reason(
            "kind", gettext_noop("A %(kind)s is not covered by the package"),
            {"kind": {language: name.lower() for language, name in kind.items()}}))
    else:
        reasons += _area_reasons(rules, terms, subject)
    flags = tuple(Reason("limit", gettext_noop("Limit exceeded: %(limit)s"), {"limit": text})
                  for text in terms.limit_excesses)
    if not reasons:
        reasons.append(Reason("covered", gettext_noop("%(kind)s covered by agreement %(code)s"),
                              {"kind": kind, "code": terms.code}))
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
    named_area = dict(area.label) or {"en": area.id}
    if area.entitlement not in terms.entitlements:
        return [Reason("area", gettext_noop("%(area)s: not part of agreement %(code)s"),
                       {"area": named_area, "code": terms.code})]
    if area.named_by is not None:
        paid = terms.names.get(area.named_by, ())
        named = subject.name.strip() or _mentions(subject.text, paid) or ""
        if not named or named.lower() not in {p.lower() for p in paid}:
            values = {"area": named_area, "named": f"'{named}'", "paid": ", ".join(paid) or "–"}
            if named:
                return [Reason("area_name", gettext_noop("%(area)s: the request names %(named)s; paid for: %(paid)s"), values)]
            return [Reason("area_name", gettext_noop("%(area)s: the request names none of them; paid for: %(paid)s"), values)]
    if area.scopes:
        scope = subject.scope or next((s for s, words in area.scopes.items() if _mentions(subject.text, words)), "")
        scope = scope or (area.covered_scopes[0] if area.covered_scopes else "")
        if scope not in area.covered_scopes:
            return [Reason("area_scope", gettext_noop("%(area)s: %(scope)s is excluded (covered: %(covered)s)"),
                           {"area": named_area, "scope": scope.replace("_", "-"), "covered": ", ".join(area.covered_scopes)})]
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
    per_year: int = 1, granted_by: Texts | None = None,
) -> list[Reason]:
    """Why a special-event weekend starting on ``saturday`` (the window's first day, on
    weekday ``start_day``; ``last_day`` its last) cannot be booked ([] = it can).

    ``booked``: the first days of the agreement's weekends still standing (requested or
    approved). ``per_year`` per agreement year; an unused one is not carried over.
    ``granted_by``: the packages that grant it per language, named in the refusal.
    """
    reasons = []
    if not today - timedelta(days=366) <= saturday <= today + timedelta(days=3 * 366):
        return [Reason("range", gettext_noop("Choose a weekend within the next three years"))]
    if not entitled:
        if granted_by:
            reasons.append(Reason("entitlement", gettext_noop("The package has no special-event weekend (%(packages)s only)"),
                                  {"packages": dict(granted_by)}))
        else:
            reasons.append(Reason("entitlement", gettext_noop("The package has no special-event weekend")))
    if saturday.weekday() != start_day:
        reasons.append(Reason("saturday", gettext_noop("A special-event weekend starts on a %(day)s"),
                              {"day": Weekday(start_day)}))
    if (saturday - today).days < notice_days:
        reasons.append(Reason("notice", gettext_noop("Request it at least %(days)s days ahead (earliest %(earliest)s)"),
                              {"days": notice_days, "earliest": today + timedelta(days=notice_days)}))
    last = last_day or saturday + timedelta(days=1)
    if saturday < starts_on or (ends_on is not None and last > ends_on):
        reasons.append(Reason("period", gettext_noop("The weekend falls outside the agreement's period")))
        return reasons
    year_start, year_end = agreement_year(starts_on, saturday)
    if sum(1 for other in booked if year_start <= other <= year_end) >= per_year:
        span = {"start": year_start, "end": year_end, "count": per_year}
        if per_year == 1:
            reasons.append(Reason("one_per_year", gettext_noop(
                "This agreement year (%(start)s – %(end)s) already has its weekend; unused weekends are not carried over"), span))
        else:
            reasons.append(Reason("one_per_year", gettext_noop(
                "This agreement year (%(start)s – %(end)s) already has its %(count)s weekends; unused weekends are not carried over"),
                span))
    return reasons

