"""Reading the triage parts of a catalog file: ``[[completeness.<kind>]]`` and ``[coverage]``.

A mixin of the catalog loader's reader, so bad data is reported the same way: the file,
the field as a dotted path, the reason and the line when it can be found (seed 002).
"""

from __future__ import annotations

import re
from typing import Any

from meldpunt.core.catalog_reading import FieldReader
from meldpunt.core.completeness import FIELDS, Requirement
from meldpunt.core.coverage import Area, CoverageRules
from meldpunt.core.marks import gettext_noop
from meldpunt.core.vocabulary import ENTITLEMENTS


class TriageReader(FieldReader):
    """Completeness and coverage; what it needs of the reader it is mixed into is :class:`FieldReader`."""

    def whole(self, data: dict, key: str, field: str, default: int) -> int:
        value = data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"{field}.{key}", gettext_noop("must be a whole number"))
        return value

    def completeness(self, data: Any, kinds: list[str]) -> dict[str, tuple[Requirement, ...]]:
        result = {}
        for kind, items in self.table(data, "completeness").items():
            field = f"completeness.{kind}"
            if kind not in kinds:
                raise self.fail(field, gettext_noop("is not a request kind of this catalog"))
            rules = []
            for item_field, item in self.tables(items, field, "([[completeness.<kind>]])"):
                name = self.need(item, "field", item_field)
                if name not in FIELDS:
                    raise self.fail(f"{item_field}.field", gettext_noop("unknown field %(name)r; fields: %(fields)s"), name=name, fields=', '.join(FIELDS))
                pattern = item.get("pattern")
                if pattern is not None:
                    try:
                        re.compile(self.need(item, "pattern", item_field))
                    except re.error as exc:
                        raise self.fail(f"{item_field}.pattern", gettext_noop("is not a regular expression: %(error)s"), error=str(exc)) from None
                required = item.get("required", True)
                if not isinstance(required, bool):
                    raise self.fail(f"{item_field}.required", gettext_noop("must be true or false"))
                rules.append(Requirement(
                    field=name,
                    ask=self.names(self.need(item, "ask", item_field, (str, dict)), f"{item_field}.ask"),
                    required=required,
                    min_length=self.whole(item, "min_length", item_field, 1),
                    pattern=pattern,
                    hint=self.names(item["hint"], f"{item_field}.hint") if "hint" in item else {},
                ))
            result[kind] = tuple(rules)
        return result

    def coverage(self, data: Any, kinds: list[str], calendars: dict, addons: dict) -> CoverageRules:
        field = "coverage"
        data = self.table(data, field)
        not_covered = {}
        for kind, text in self.table(data.get("not_covered", {}), f"{field}.not_covered").items():
            if kind not in kinds:
                raise self.fail(f"{field}.not_covered.{kind}", gettext_noop("is not a request kind of this catalog"))
            not_covered[kind] = self.names(text, f"{field}.not_covered.{kind}")
        areas = [self.area(item, item_field, addons)
                 for item_field, item in self.tables(data.get("areas", []), f"{field}.areas", "([[coverage.areas]])")]
        for key in ("advisory_kind", "consultant_kind"):
            if key in data and data[key] not in kinds:
                raise self.fail(f"{field}.{key}", gettext_noop("%(value)r is not a request kind of this catalog"), value=data[key])
        return CoverageRules(
            not_covered=not_covered,
            areas=tuple(areas),
            advisory_kind=data.get("advisory_kind", "advisory"),
            consultant_kind=data.get("consultant_kind", "consultant"),
            proposal_valid_days=self.whole(data, "proposal_valid_days", field, 14),
            remote_access_rule=self.names(data["remote_access_rule"], f"{field}.remote_access_rule")
            if "remote_access_rule" in data else {},
        )

    def area(self, item: Any, field: str, addons: dict) -> Area:
        item = self.table(item, field)
        entitlement = self.need(item, "entitlement", field)
        if entitlement not in ENTITLEMENTS:
            raise self.fail(f"{field}.entitlement", gettext_noop("unknown entitlement %(entitlement)r"), entitlement=entitlement)
        named_by = item.get("named_by")
        if named_by is not None and named_by not in addons:
            raise self.fail(f"{field}.named_by", gettext_noop("no add-on %(named_by)r"), named_by=named_by)
        scopes = {
            scope: tuple(self.string_list(words, f"{field}.scopes.{scope}"))
            for scope, words in self.table(item.get("scopes", {}), f"{field}.scopes").items()
        }
        covered = tuple(self.string_list(item.get("covered_scopes", []), f"{field}.covered_scopes", scopes))
        if scopes and not covered:
            raise self.fail(f"{field}.covered_scopes", gettext_noop("must name at least one of the scopes"))
        return Area(
            id=self.need(item, "id", field), entitlement=entitlement,
            keywords=tuple(self.string_list(item.get("keywords", []), f"{field}.keywords")),
            named_by=named_by, scopes=scopes, covered_scopes=covered,
            label=self.names(item.get("label", item.get("id", "")), f"{field}.label"),
        )
