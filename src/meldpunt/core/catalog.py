"""A vendor's support catalog as plain data: packages, add-ons, calendars, priorities.

Catalog files are TOML (see ``meldpunt/catalogs/*.toml`` and docs/catalogs.md). They are
loaded and validated by :mod:`meldpunt.core.catalog_loader`; this module holds the result
and answers the questions the desk asks of it: which target and which calendar apply to
a request of some kind and priority under a package with add-ons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from meldpunt.core.calendars import CalendarDef
from meldpunt.core.channels import ChannelRule
from meldpunt.core.completeness import Requirement
from meldpunt.core.contact_points import ContactPoint
from meldpunt.core.coverage import CoverageRules
from meldpunt.core.priority import PriorityScheme
from meldpunt.core.sla import Target
from meldpunt.core.special_weekend import WeekendRule
from meldpunt.core.upgrades import UpgradePolicy


class NotInCatalog(KeyError):
    """A package, add-on or calendar the catalog does not have. ``args[0]`` is the English
    (logs, tests); the app words ``code`` and ``params`` in the reader's language
    (``contracts.catalog_words``). Codes: ``package`` (catalog, package, packages), ``addon``
    (catalog, addon, addons), ``addon_package`` (addon, packages), ``calendar`` (catalog,
    calendar, calendars); the lists are joined with ", "."""

    def __init__(self, code: str, english: str, **params: str) -> None:
        super().__init__(english)
        self.code, self.params = code, params


class CatalogError(ValueError):
    """A catalog file is wrong: names the file, the line when known, the field and why.

    ``reason`` is English; the common reasons also carry a ``code`` and its ``params``, which
    ``contracts.catalog_words.catalog_error_words`` words in the reader's language: a file
    that cannot be read (``no_preset``, ``no_file``, ``unknown_catalog``, ``unreadable``,
    ``not_utf8``) and the reader's checks of a field's shape (``table``, ``tables``,
    ``required``, ``type``, ``names``, ``amount``, ``negative_amount``, ``strings``,
    ``unknown_value``). A catalog rule's own reason instead carries its English ``template``
    (marked with :func:`meldpunt.core.marks.gettext_noop`, ``%(name)s`` placeholders) and the
    ``params`` that fill it; the app translates the template and fills it the same way."""

    def __init__(self, file: str, field: str, reason: str, line: int | None = None, *, code: str = "",
                 params: dict[str, object] | None = None, template: str = ""):
        self.file, self.field, self.reason, self.line = file, field, reason, line
        self.code, self.params, self.template = code, dict(params or {}), template
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {field}: {reason}")


def product_key(product: str) -> str:
    """How a ticket's product is compared with a target rule's ``products``: trimmed, any case."""
    return " ".join(product.split()).casefold()


@dataclass(frozen=True)
class TargetRule:
    """Response/resolution targets for one priority (``*``: any), optionally only for some
    kinds and only for some products (``products``: keys from :func:`product_key`)."""

    priority: str
    kinds: frozenset[str] | None
    response: Target | None
    resolution: Target | None
    #: Only requests about one of these products (Infor: targets "based on urgency, product
    #: and support package"); None: any product.
    products: frozenset[str] | None = None

    def matches(self, kind: str, priority: str, product: str = "") -> bool:
        return (self.priority in (priority, "*") and (self.kinds is None or kind in self.kinds)
                and (self.products is None or product_key(product) in self.products))

    def get(self, metric: str) -> Target | None:
        return self.response if metric == "response" else self.resolution


@dataclass(frozen=True)
class CalendarRule:
    """Use ``calendar`` for requests of these kinds and/or priorities."""

    calendar: str
    kinds: frozenset[str] | None = None
    priorities: frozenset[str] | None = None

    def matches(self, kind: str, priority: str) -> bool:
        return (self.kinds is None or kind in self.kinds) and (
            self.priorities is None or priority in self.priorities
        )


#: Who an alert can go to (the escalation chain names these roles, in order).
ESCALATION_ROLES = ("assignee", "team_lead", "support_manager")


@dataclass(frozen=True)
class WarningPoint:
    """When to warn before a clock is due, measured in business time on the clock's calendar.

    ``percent``: that share of the target's business time is used (``"80%"``);
    ``before_seconds``: that much business time is left (``"30m"``). Exactly one is set.
    """

    percent: int | None = None
    before_seconds: int | None = None

    @property
    def key(self) -> str:
        if self.percent is not None:
            return f"{self.percent}%"
        minutes = (self.before_seconds or 0) // 60
        return f"{minutes // 60}h" if minutes and minutes % 60 == 0 else f"{minutes}m"

    def lead_seconds(self, target_seconds: int) -> int:
        """Business seconds left on a clock of ``target_seconds`` when this point is reached."""
        if self.percent is not None:
            return target_seconds * (100 - self.percent) // 100
        return min(self.before_seconds or 0, target_seconds)


@dataclass(frozen=True)
class EscalationStep:
    """One link of the chain: tell ``role`` once the clock is ``after_seconds`` of business time overdue."""

    role: str
    after_seconds: int = 0

    @property
    def key(self) -> str:
        return f"{self.role}+{self.after_seconds // 60}m"


@dataclass(frozen=True)
class EscalationPolicy:
    """A catalog's ``[escalation]`` section: warning points, who is warned, the breach chain."""

    warnings: tuple[WarningPoint, ...] = ()
    warn_roles: tuple[str, ...] = ("assignee",)
    chain: tuple[EscalationStep, ...] = (EscalationStep("assignee", 0),)
    metrics: frozenset[str] = frozenset({"response", "resolution"})


@dataclass(frozen=True)
class Package:
    id: str
    name: Mapping[str, str]
    monthly_price: Decimal
    calendar: str
    includes: str | None
    limits: Mapping[str, int]
    entitlements: frozenset[str]
    covers: frozenset[str]
    targets: tuple[TargetRule, ...]
    calendar_rules: tuple[CalendarRule, ...]
    description: Mapping[str, str] = field(default_factory=dict)
    #: Place in the queues within one priority: a higher rank comes first (Infor Premium:
    #: requests are prioritised by support package). Inherited through ``includes``.
    queue_rank: int = 0


#: The highest ``queue_rank`` a package may have.
MAX_QUEUE_RANK = 9


@dataclass(frozen=True)
class Addon:
    id: str
    name: Mapping[str, str]
    monthly_price: Decimal
    unit: str  # "month" or a counted thing such as "integration"
    requires: frozenset[str]
    entitlements: frozenset[str]
    removes: frozenset[str]
    targets: tuple[TargetRule, ...]
    calendar_rules: tuple[CalendarRule, ...]
    excludes: tuple[str, ...] = ()
    description: Mapping[str, str] = field(default_factory=dict)
    #: Each unit paid for is a named item (seed 004: Koppeling "per koppeling"): an agreement
    #: names exactly as many as its quantity, and the invoice names each.
    named_units: bool = False


#: ``reopen_days`` when a catalog does not say (issue 19: a reply within 14 days reopens).
DEFAULT_REOPEN_DAYS = 14


@dataclass(frozen=True)
class Catalog:
    id: str
    name: str
    version: str
    currency: str
    vat_rate: Decimal
    languages: tuple[str, ...]
    kinds: tuple[str, ...]
    calendars: Mapping[str, CalendarDef]
    priority: PriorityScheme
    packages: Mapping[str, Package]
    addons: Mapping[str, Addon]
    billing: Mapping[str, object] = field(default_factory=dict)
    source: str = ""
    #: kind → what a complete request of that kind holds (seeds 000/001; ``[[completeness.<kind>]]``)
    completeness: Mapping[str, tuple[Requirement, ...]] = field(default_factory=dict)
    #: what is covered beyond the package's kinds (seed 002, 004 add-ons; ``[coverage]``)
    coverage: CoverageRules = field(default_factory=CoverageRules)
    escalation: EscalationPolicy = field(default_factory=EscalationPolicy)
    #: remind coordinators to upgrade (seed 000; ``[upgrade_reminder]``); None: the vendor does not ask
    upgrade_reminder: UpgradePolicy | None = None
    #: channel → what a request by it needs (seed 004: monitoring; ``[channels.<channel>]``)
    channels: Mapping[str, ChannelRule] = field(default_factory=dict)
    #: the vendor's contact numbers and addresses (seeds 000/001; ``[[contacts]]``)
    contacts: tuple[ContactPoint, ...] = ()
    #: kind → subject words that make a mail that kind (seed 000: licence keys by mail; ``[mail_kinds]``)
    mail_kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: what identifies the customer of a licence-key request (seeds 000/001; ``[licence_keys]``)
    licence_key_identifiers: tuple[str, ...] = ("agreement_code",)
    #: when mail forwarded from an employee's mailbox is received (seed 001; ``[forwarded_mail]``)
    forwarded_mail_received: str = "original_date"
    #: Calendar days after resolution within which a customer's reply reopens the request;
    #: later (or on a closed request) the reply starts a new request linked to it.
    reopen_days: int = DEFAULT_REOPEN_DAYS
    #: the special-event weekend (seed 003; ``[special_weekend]``); None: the vendor has none
    special_weekend: WeekendRule | None = None
    #: Metrics whose targets are indicative (seed 004: "alle oplostijden zijn indicatief";
    #: ``[targets] indicative``): their clocks have a due moment that is shown, labelled
    #: indicative, but they never breach: no escalation, not in the breach counts.
    indicative: frozenset[str] = frozenset()

    def is_indicative(self, metric: str) -> bool:
        return metric in self.indicative

    # ------------------------------------------------------------- lookups
    def package(self, package_id: str) -> Package:
        try:
            return self.packages[package_id]
        except KeyError:
            packages = ", ".join(self.packages)
            raise NotInCatalog("package", f"catalog {self.id} has no package {package_id!r}; packages: {packages}",
                               catalog=self.id, package=package_id, packages=packages) from None

    def addon_list(self, addon_ids: Iterable[str], package_id: str) -> list[Addon]:
        result = []
        for addon_id in addon_ids:
            addon = self.addons.get(addon_id)
            if addon is None:
                addons = ", ".join(self.addons)
                raise NotInCatalog("addon", f"catalog {self.id} has no add-on {addon_id!r}; add-ons: {addons or 'none'}",
                                   catalog=self.id, addon=addon_id, addons=addons)
            if addon.requires and package_id not in addon.requires:
                packages = ", ".join(sorted(addon.requires))
                raise NotInCatalog("addon_package", f"add-on {addon_id} needs one of the packages {packages}",
                                   addon=addon_id, packages=packages)
            result.append(addon)
        return result

    def entitlements(self, package_id: str, addon_ids: Sequence[str] = ()) -> frozenset[str]:
        granted = set(self.package(package_id).entitlements)
        for addon in self.addon_list(addon_ids, package_id):
            granted -= addon.removes
            granted |= addon.entitlements
        return frozenset(granted)

    def target_for(
        self,
        package_id: str,
        addon_ids: Sequence[str],
        kind: str,
        priority: str,
        metric: str,
        overrides: Sequence[TargetRule] = (),
        *,
        product: str = "",
    ) -> Target | None:
        """The target that applies; agreement overrides beat add-ons beat the package.

        Within each source a rule naming the product beats one for any product, then a rule
        naming the kind beats a rule for all kinds, then a rule naming the priority beats
        ``*``. None means the catalog sets no target for this combination (e.g. Infor, per
        agreement).
        """
        package = self.package(package_id)
        sources: list[Sequence[TargetRule]] = [overrides]
        sources += [a.targets for a in reversed(self.addon_list(addon_ids, package_id))]
        sources.append(package.targets)
        for rules in sources:
            found = _most_specific(rules, kind, priority, metric, product)
            if found is not None:
                return found
        return None

    def calendar_for(
        self, package_id: str, addon_ids: Sequence[str], kind: str, priority: str
    ) -> CalendarDef:
        """The calendar a clock runs on: add-on rules, then package rules, then default."""
        package = self.package(package_id)
        for addon in reversed(self.addon_list(addon_ids, package_id)):
            for rule in addon.calendar_rules:
                if rule.matches(kind, priority):
                    return self.calendars[rule.calendar]
        for rule in package.calendar_rules:
            if rule.matches(kind, priority):
                return self.calendars[rule.calendar]
        return self.calendars[package.calendar]

    def calendar(self, calendar_id: str) -> CalendarDef:
        try:
            return self.calendars[calendar_id]
        except KeyError:
            calendars = ", ".join(self.calendars)
            raise NotInCatalog("calendar", f"catalog {self.id} has no calendar {calendar_id!r}; calendars: {calendars}",
                               catalog=self.id, calendar=calendar_id, calendars=calendars) from None


def _most_specific(
    rules: Sequence[TargetRule], kind: str, priority: str, metric: str, product: str = ""
) -> Target | None:
    """The best matching rule: naming the product beats any product, naming the kind beats
    all kinds, naming the priority beats ``*`` (in that order of weight)."""
    best, best_score = None, -1
    for rule in rules:
        if not rule.matches(kind, priority, product) or rule.get(metric) is None:
            continue
        score = ((4 if rule.products is not None else 0) + (2 if rule.kinds is not None else 0)
                 + (1 if rule.priority != "*" else 0))
        if score > best_score:
            best, best_score = rule.get(metric), score
    return best
