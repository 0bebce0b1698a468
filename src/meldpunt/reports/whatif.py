"""What-if: replay an organisation's tickets of a period under another package or add-ons.

"With Premium, how many breaches would we have had?" Each clock is recomputed with the
same SLA engine the desk uses — :meth:`Catalog.target_for`, :meth:`Catalog.calendar_for`,
:func:`meldpunt.contracts.catalogs.calendar_for` and :func:`compute_deadline` — from the
ticket's receipt, the clock's pauses and its real stop moment (first public reply,
resolution). Only the package and add-ons change; the agreement's own target overrides
are left out, because they were negotiated for the package it has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from meldpunt.contracts.catalog_words import not_in_catalog_words
from meldpunt.contracts.catalogs import calendar_for
from meldpunt.contracts.models import Organisation
from meldpunt.core.reporting import ClockRecord, WhatIf, compare
from meldpunt.core.sla import compute_deadline
from meldpunt.core.vocabulary import METRICS
from meldpunt.tickets.clocks import pauses_of
from meldpunt.tickets.models import Clock


class ScenarioError(ValueError):
    pass


@dataclass(frozen=True)
class Scenario:
    """``package`` None keeps each agreement's package; ``addons`` replace the agreement's add-ons."""

    package: str | None = None
    addons: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        parts = [self.package or "current package"] + list(self.addons)
        return " + ".join(parts)


def check(scenario: Scenario, organisation: Organisation) -> None:
    """Refuse a scenario none of the organisation's agreements' catalogs can express."""
    problems = []
    agreements = list(organisation.agreements.select_related("catalog"))
    if not agreements:
        raise ScenarioError(_("the organisation has no agreement to compare with"))
    for agreement in agreements:
        catalog = agreement.catalog.parsed()
        package = scenario.package or agreement.package
        try:
            catalog.package(package)
            catalog.addon_list(scenario.addons, package)
        except KeyError as exc:
            problems.append(not_in_catalog_words(exc))
        else:
            return
    raise ScenarioError("; ".join(problems))


def options(organisation: Organisation) -> dict[str, list[tuple[str, str]]]:
    """Packages and add-ons offered by the catalogs of the organisation's agreements (for the form)."""
    packages: dict[str, str] = {}
    addons: dict[str, str] = {}
    for agreement in organisation.agreements.select_related("catalog"):
        catalog = agreement.catalog.parsed()
        for key, item in catalog.packages.items():
            packages.setdefault(key, item.name.get("en", key))
        for key, item in catalog.addons.items():
            addons.setdefault(key, item.name.get("en", key))
    return {"packages": sorted(packages.items()), "addons": sorted(addons.items())}


def replayed(clock: Clock, scenario: Scenario) -> ClockRecord | None:
    """The clock as it would have run under ``scenario``; None when it sets no target there."""
    ticket = clock.ticket
    agreement = ticket.agreement
    if agreement is None or not ticket.priority:
        return None
    version = agreement.catalog
    catalog = version.parsed()
    package = scenario.package or agreement.package
    if package not in catalog.packages:
        return None
    try:
        target = catalog.target_for(package, scenario.addons, ticket.kind, ticket.priority, clock.metric,
                                    product=ticket.product)
        cal_def = catalog.calendar_for(package, scenario.addons, ticket.kind, ticket.priority)
    except KeyError:  # an add-on this catalog or package does not offer
        return None
    if target is None:
        return None
    deadline = compute_deadline(
        calendar_for(version, cal_def.id), target, ticket.received_at, pauses_of(clock),
        planned=ticket.planned_at if clock.metric == "resolution" else None,
    )
    return ClockRecord(ticket.priority, clock.metric, deadline.due, clock.stopped_at)


def replay(clocks: Sequence[Clock], scenario: Scenario, now: datetime, priorities: Sequence[str]) -> WhatIf:
    pairs = [  # an indicative clock is never a breach, in either version (``[targets] indicative``)
        (ClockRecord(c.ticket.priority, c.metric, c.due_at, c.stopped_at), replayed(c, scenario))
        for c in clocks if not c.indicative
    ]
    return compare(pairs, now, priorities, METRICS, scenario.describe())
