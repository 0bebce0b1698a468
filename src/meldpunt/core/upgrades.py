"""When a customer should be reminded to upgrade (seed 000: "Wij raden u aan om ten minste
eenmaal per jaar te upgraden naar de dan nieuwste productieversie"; seed 001: "upgrade to
the last version with a state of Production of Long Term Support").

Whether a vendor asks this, how often and to which release states is catalog data
(``[upgrade_reminder]``); this module reads that table and computes, for a version that a
customer has run since some day, which reminder round is due. Round *k* falls due *k*
periods after that day (12 months: on the anniversaries); each round is sent once, so a
customer who does not upgrade hears of it once a period, and one who upgrades starts again.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from meldpunt.core.marks import gettext_noop

if TYPE_CHECKING:  # the reader's module imports the catalog, which imports this
    from meldpunt.core.catalog_reading import FieldReader

#: Release states a catalog may recommend (knowledge's releases use the same words).
RELEASE_STATES = ("production", "lts", "eol")


@dataclass(frozen=True)
class UpgradePolicy:
    """``[upgrade_reminder]`` of a catalog: remind the coordinator every ``every_months``
    since the running version was installed, naming the newest release in ``release_states``."""

    every_months: int = 12
    release_states: tuple[str, ...] = ("production", "lts")
    advice: Mapping[str, str] = field(default_factory=dict)

    def text(self, language: str) -> str:
        return self.advice.get(language) or self.advice.get("en") or ""


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` months on; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_round(since: date, today: date, every_months: int) -> int:
    """The latest reminder round due on ``today`` for a version run since ``since``; 0: none yet."""
    if today < since or every_months < 1:
        return 0
    months = (today.year - since.year) * 12 + today.month - since.month
    k = months // every_months
    while k > 0 and add_months(since, k * every_months) > today:
        k -= 1
    return k


def read_policy(reader: FieldReader, data: Any) -> UpgradePolicy:
    """The ``[upgrade_reminder]`` table, bad values reported by the catalog's reader."""
    name = "upgrade_reminder"
    data = reader.table(data, name)
    every = data.get("every_months", 12)
    if not isinstance(every, int) or isinstance(every, bool) or not 1 <= every <= 120:
        raise reader.fail(f"{name}.every_months", gettext_noop("must be a whole number of months from 1 to 120"))
    states = tuple(reader.string_list(data.get("release_states", ["production", "lts"]), f"{name}.release_states",
                                      RELEASE_STATES))
    if not states:
        raise reader.fail(f"{name}.release_states", gettext_noop("must name at least one of %(choices)s"), choices=', '.join(RELEASE_STATES))
    advice = reader.names(data["advice"], f"{name}.advice") if "advice" in data else {}
    return UpgradePolicy(every_months=every, release_states=states, advice=advice)
