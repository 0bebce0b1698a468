"""Reading the ``[escalation]`` part of a catalog file: warning points and the breach chain.

A mixin of the catalog loader's reader (like :mod:`catalog_triage`), so bad data is reported
the same way: the file, the field as a dotted path, the reason and the line when found.
"""

from __future__ import annotations

import re
from typing import Any

from meldpunt.core.catalog import ESCALATION_ROLES, EscalationPolicy, EscalationStep, WarningPoint
from meldpunt.core.catalog_reading import FieldReader
from meldpunt.core.marks import gettext_noop
from meldpunt.core.vocabulary import METRICS


class EscalationReader(FieldReader):
    """Warnings and the breach chain; what it needs of the reader it is mixed into is :class:`FieldReader`."""

    def escalation(self, data: Any) -> EscalationPolicy:
        """``[escalation]``: warning points in business time, who is warned, the breach chain."""
        field = "escalation"
        data = self.table(data, field)
        unknown = set(data) - {"warnings", "warn", "metrics", "chain"}
        if unknown:
            raise self.fail(f"{field}.{sorted(unknown)[0]}", gettext_noop("unknown key; use warnings, warn, metrics, chain"))
        points: list[WarningPoint] = []
        for index, text in enumerate(self.string_list(data.get("warnings", []), f"{field}.warnings")):
            point = self.warning_point(text, f"{field}.warnings[{index}]")
            if point.key in {p.key for p in points}:
                raise self.fail(f"{field}.warnings", gettext_noop("%(text)r is listed twice"), text=text)
            points.append(point)
        warn = tuple(self.string_list(data.get("warn", ["assignee"]), f"{field}.warn", ESCALATION_ROLES))
        if points and not warn:
            raise self.fail(f"{field}.warn", gettext_noop("must name at least one role when there are warnings"))
        metrics = frozenset(self.string_list(data.get("metrics", list(METRICS)), f"{field}.metrics", METRICS))
        raw_chain = data.get("chain", [{"role": "assignee", "after": "0m"}])
        if not isinstance(raw_chain, list) or not raw_chain:
            raise self.fail(f"{field}.chain", gettext_noop("must be a non-empty array of tables ([[escalation.chain]])"))
        chain: list[EscalationStep] = []
        for item_field, item in self.tables(raw_chain, f"{field}.chain"):
            role = self.need(item, "role", item_field)
            if role not in ESCALATION_ROLES:
                raise self.fail(f"{item_field}.role", gettext_noop("%(role)r is not one of %(choices)s"), role=role, choices=', '.join(ESCALATION_ROLES))
            after = self.business_span(item.get("after", "0m"), f"{item_field}.after", allow_zero=True)
            if chain and after < chain[-1].after_seconds:
                raise self.fail(f"{item_field}.after", gettext_noop("must not be earlier than the step before it"))
            if any(step.role == role for step in chain):
                raise self.fail(f"{item_field}.role", gettext_noop("%(role)r is already in the chain"), role=role)
            chain.append(EscalationStep(role, after))
        return EscalationPolicy(tuple(points), warn, tuple(chain), metrics)

    def warning_point(self, text: str, field: str) -> WarningPoint:
        value = text.strip()
        if value.endswith("%"):
            try:
                percent = int(value[:-1])
            except ValueError:
                raise self.fail(field, gettext_noop("%(text)r is not a share like 80%%"), text=text) from None
            if not 1 <= percent <= 99:
                raise self.fail(field, gettext_noop("%(text)r must lie between 1%% and 99%% of the target"), text=text)
            return WarningPoint(percent=percent)
        return WarningPoint(before_seconds=self.business_span(value, field, allow_zero=False))

    def business_span(self, value: Any, field: str, *, allow_zero: bool) -> int:
        """``30m`` or ``2h`` of business time, in seconds (``bd`` depends on the calendar: refused)."""
        found = re.fullmatch(r"\s*(\d+)\s*(m|h)\s*", value) if isinstance(value, str) else None
        if found is None:
            raise self.fail(field, gettext_noop("%(value)r is not business time like 30m or 2h"), value=value)
        seconds = int(found.group(1)) * (60 if found.group(2) == "m" else 3600)
        if seconds == 0 and not allow_zero:
            raise self.fail(field, gettext_noop("must be more than 0 minutes"))
        return seconds

