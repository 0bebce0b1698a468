"""Load and validate catalog TOML files into :class:`~meldpunt.core.catalog.Catalog`.

A bad file is rejected with a :class:`CatalogError` that names the file, the line when it
can be found, the field (as a dotted path) and the reason, so a vendor can fix it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from meldpunt.core.businesstime import weekly_from_mapping
from meldpunt.core.calendar_reading import HolidayReader
from meldpunt.core.calendars import CalendarDef
from meldpunt.core.catalog import (
    DEFAULT_REOPEN_DAYS,
    MAX_QUEUE_RANK,
    Addon,
    CalendarRule,
    Catalog,
    CatalogError,
    EscalationPolicy,
    Package,
    TargetRule,
    product_key,
)
from meldpunt.core.catalog_escalation import EscalationReader
from meldpunt.core.catalog_triage import TriageReader
from meldpunt.core.catalog_weekend import read_special_weekend
from meldpunt.core.channels import CHANNELS, read_channels
from meldpunt.core.contact_points import read_contacts
from meldpunt.core.due import TargetError
from meldpunt.core.marks import WordedError, gettext_noop
from meldpunt.core.priority import MOTIVATION_RULES, PriorityScheme
from meldpunt.core.requests_by_mail import read_forward_receipt, read_identifiers, read_mail_kinds
from meldpunt.core.sla import Target
from meldpunt.core.upgrades import read_policy
from meldpunt.core.vocabulary import ENTITLEMENTS, KINDS, METRICS

PRESETS = ("invantive", "infor", "erpm")


def preset_text(name: str) -> str:
    return resources.files("meldpunt.catalogs").joinpath(f"{name}.toml").read_text("utf-8")


def load_preset(name: str) -> Catalog:
    if name not in PRESETS:
        raise CatalogError(name, "catalog", f"no preset {name!r}; presets: {', '.join(PRESETS)}", code="no_preset",
                           params={"name": name, "presets": ", ".join(PRESETS)})
    return parse_catalog(preset_text(name), f"{name}.toml")


def load_catalog(name_or_path: str) -> Catalog:
    """A preset id (``invantive``) or the path of a catalog file."""
    if name_or_path in PRESETS:
        return load_preset(name_or_path)
    path = Path(name_or_path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        if path.suffix or "/" in name_or_path:  # meant as a file
            raise CatalogError(str(path), "file", "no such file", code="no_file") from None
        known = ", ".join(sorted(PRESETS))
        raise CatalogError(name_or_path, "catalog", f"unknown; the catalogs are {known}, or give the path of a .toml file",
                           code="unknown_catalog", params={"known": known}) from None
    except OSError as exc:
        raise CatalogError(str(path), "file", exc.strerror or "cannot be read", code="" if exc.strerror else "unreadable") from None
    except UnicodeDecodeError:
        raise CatalogError(str(path), "file", "is not UTF-8 text", code="not_utf8") from None
    return parse_catalog(text, str(path))


def parse_catalog(text: str, filename: str = "<catalog>") -> Catalog:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)  # Python 3.14+; before, only in the message
        if line is None and (found := re.search(r"at line (\d+)", str(exc))):
            line = int(found.group(1))
        raise CatalogError(filename, "toml", getattr(exc, "msg", str(exc)), line) from None
    return _Reader(filename, text).catalog(data)


def parse_target_rules(
    items: Any, levels: tuple[str, ...], kinds: Sequence[str], source: str = "agreement"
) -> tuple[TargetRule, ...]:
    """Target rules outside a catalog file (an agreement's overrides), validated the same way."""
    return _Reader(source, "").targets(items, "target_overrides", levels, list(kinds))


class _Reader(TriageReader, EscalationReader, HolidayReader):
    def __init__(self, filename: str, text: str):
        self.filename = filename
        self.lines = text.splitlines()

    # ------------------------------------------------------------ errors
    def fail(self, field: str, reason: str, code: str = "", **params: object) -> CatalogError:
        """With a ``code``, ``reason`` is the English of a common reason (``CatalogError``).
        Without one, ``reason`` is a rule's English template marked with ``gettext_noop``:
        ``%(name)s`` placeholders filled from ``params`` (a literal percent sign is ``%%``)."""
        if code:
            return CatalogError(self.filename, field, reason, self._line_of(field), code=code, params=params)
        return CatalogError(self.filename, field, reason % params, self._line_of(field), params=params, template=reason)

    def fail_from(self, field: str, error: ValueError) -> CatalogError:
        """``error`` of a parser the reader calls: a :class:`WordedError` keeps its template and
        params; any other error's English passes as it is."""
        if isinstance(error, WordedError):
            return CatalogError(self.filename, field, str(error), self._line_of(field), params=error.params,
                                template=error.template)
        return self.fail(field, "%(error)s", error=str(error))

    def _line_of(self, field: str) -> int | None:
        """Best effort: the line of the field's last key after its table header."""
        parts = [p for p in re.split(r"\.|\[\d+\]", field) if p]
        position = 0
        found = None
        for part in parts:
            pattern = re.compile(rf'(^|[\s.{{,"\[]){re.escape(part)}"?\s*(=|\]|\.)')
            for index in range(position, len(self.lines)):
                if pattern.search(self.lines[index]):
                    position, found = index, index + 1
                    break
        return found

    # ----------------------------------------------------------- helpers
    def table(self, data: Any, field: str) -> dict:
        if not isinstance(data, dict):
            raise self.fail(field, "must be a table", "table")
        return data

    def tables(self, data: Any, field: str, hint: str = "") -> list[tuple[str, dict]]:
        """An array of tables (``[[...]]``) at ``field``: each table with its own field name
        (``field[2]``) for the errors about it. ``hint`` shows the header to write."""
        if not isinstance(data, list):
            raise self.fail(field, f"must be an array of tables {hint}".rstrip(), "tables", hint=hint)
        return [(f"{field}[{index}]", self.table(item, f"{field}[{index}]")) for index, item in enumerate(data)]

    def need(self, data: dict, key: str, field: str, kind: type | tuple = str) -> Any:
        if key not in data:
            raise self.fail(f"{field}.{key}" if field else key, "is required", "required")
        value = data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(f"{field}.{key}" if field else key, f"must be a {names}", "type", names=names)
        return value

    def names(self, data: Any, field: str) -> dict[str, str]:
        if isinstance(data, str):
            return {"en": data, "nl": data}
        if not isinstance(data, dict) or not data or not all(isinstance(v, str) for v in data.values()):
            raise self.fail(field, "must be text or a table of texts per language (nl, en)", "names")
        return dict(data)

    def money(self, value: Any, field: str) -> Decimal:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(field, f"{value!r} is not an amount", "amount", value=value) from None
        if isinstance(value, float) or amount < 0:
            raise self.fail(field, "must be a non-negative amount written as a string, e.g. \"195.00\"", "negative_amount")
        return amount

    def string_list(self, data: Any, field: str, allowed: Any = None) -> list[str]:
        if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
            raise self.fail(field, "must be a list of strings", "strings")
        if allowed is not None:
            for value in data:
                if value not in allowed:
                    raise self.fail(field, f"unknown value {value!r}", "unknown_value", value=value)
        return data

    # ----------------------------------------------------------- catalog
    def catalog(self, data: dict) -> Catalog:
        cat_id = self.need(data, "id", "")
        kinds = self.string_list(data.get("kinds", list(KINDS)), "kinds", KINDS)
        calendars = {
            key: self.calendar(key, value)
            for key, value in self.table(self.need(data, "calendars", "", dict), "calendars").items()
        }
        if not calendars:
            raise self.fail("calendars", gettext_noop("must define at least one calendar"))
        priority = self.priority(self.need(data, "priority", "", dict), kinds)
        raw_packages = self.need(data, "packages", "", dict)
        if not raw_packages:
            raise self.fail("packages", gettext_noop("must define at least one package"))
        packages: dict[str, Package] = {}
        for key in self._include_order(raw_packages):
            packages[key] = self.package(key, raw_packages[key], packages, calendars, priority, kinds)
        addons = {
            key: self.addon(key, value, packages, calendars, priority, kinds)
            for key, value in self.table(data.get("addons", {}), "addons").items()
        }
        try:
            vat = Decimal(str(data.get("vat_rate", "21")))
        except InvalidOperation:
            raise self.fail("vat_rate", gettext_noop("must be a percentage such as \"21\"")) from None
        currency = self.need(data, "currency", "")
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise self.fail("currency", gettext_noop("%(currency)r is not an ISO 4217 code such as EUR"), currency=currency)
        reopen_days = data.get("reopen_days", DEFAULT_REOPEN_DAYS)
        if not isinstance(reopen_days, int) or isinstance(reopen_days, bool) or not 0 <= reopen_days <= 3650:
            raise self.fail("reopen_days", gettext_noop("must be a whole number of days from 0 to 3650"))
        return Catalog(
            id=cat_id,
            reopen_days=reopen_days,
            name=self.need(data, "name", ""),
            version=str(self.need(data, "version", "", (str, int))),
            currency=currency,
            vat_rate=vat,
            languages=tuple(self.string_list(data.get("languages", ["nl", "en"]), "languages", ("nl", "en"))),
            kinds=tuple(kinds),
            calendars=calendars,
            priority=priority,
            packages=packages,
            addons=addons,
            billing=self.table(data.get("billing", {}), "billing"),
            source=str(data.get("source", "")),
            escalation=self.escalation(data["escalation"]) if "escalation" in data else EscalationPolicy(),
            completeness=self.completeness(data.get("completeness", {}), kinds),
            coverage=self.coverage(data.get("coverage", {}), kinds, calendars, addons),
            upgrade_reminder=read_policy(self, data["upgrade_reminder"]) if "upgrade_reminder" in data else None,
            channels=read_channels(self, data.get("channels", {}), calendars=calendars, packages=list(packages),
                                   addons=list(addons), kinds=kinds, levels=priority.levels),
            contacts=read_contacts(self, data.get("contacts", []), channels=CHANNELS, packages=list(packages),
                                   addons=list(addons), kinds=kinds),
            mail_kinds=read_mail_kinds(self, data.get("mail_kinds", {}), kinds),
            licence_key_identifiers=read_identifiers(self, data.get("licence_keys", {})),
            forwarded_mail_received=read_forward_receipt(self, data.get("forwarded_mail", {})),
            special_weekend=read_special_weekend(self, data, kinds, priority, calendars, packages),
            indicative=self.indicative(data.get("targets", {})),
        )

    def indicative(self, data: Any) -> frozenset[str]:
        """``[targets] indicative = ["resolution"]``: metrics whose targets are indicative."""
        data = self.table(data, "targets")
        for key in data:
            if key != "indicative":
                raise self.fail(f"targets.{key}", gettext_noop("unknown key; [targets] takes indicative"))
        return frozenset(self.string_list(data.get("indicative", []), "targets.indicative", METRICS))

    def calendar(self, key: str, data: Any) -> CalendarDef:
        field = f"calendars.{key}"
        data = self.table(data, field)
        try:
            weekly = weekly_from_mapping(self.table(self.need(data, "hours", field, dict), f"{field}.hours"))
        except ValueError as exc:
            raise self.fail_from(f"{field}.hours", exc) from None
        if not any(weekly):
            raise self.fail(f"{field}.hours", gettext_noop("has no service hours at all"))
        tz = self.need(data, "timezone", field)
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(tz)
        except Exception:
            raise self.fail(f"{field}.timezone", gettext_noop("%(zone)r is not an IANA time zone"), zone=tz) from None
        rule = self.holiday_rule(data["holidays"], f"{field}.holidays") if "holidays" in data else None
        closed: dict[date, str] = {}
        for index, item in enumerate(data.get("closed", [])):
            item_field = f"{field}.closed[{index}]"
            item = self.table(item, item_field)
            day = item.get("date")
            if not isinstance(day, date):
                raise self.fail(f"{item_field}.date", gettext_noop("must be a date such as 2026-12-24"))
            closed[day] = str(item.get("reason", "closed"))
        return CalendarDef(
            id=key,
            name=self.names(data.get("name", key), f"{field}.name"),
            timezone=tz,
            weekly=tuple(tuple(day) for day in weekly),
            holidays=rule,
            closed=closed,
        )

    def priority(self, data: dict, kinds: list[str]) -> PriorityScheme:
        field = "priority"
        scheme = self.need(data, "scheme", field)
        if scheme not in ("matrix", "categories"):
            raise self.fail(f"{field}.scheme", gettext_noop("%(scheme)r must be matrix or categories"), scheme=scheme)
        levels = tuple(self.string_list(self.need(data, "levels", field, list), f"{field}.levels"))
        if not levels:
            raise self.fail(f"{field}.levels", gettext_noop("must list at least one level"))
        default = data.get("default")
        if default is not None and default not in levels:
            raise self.fail(f"{field}.default", gettext_noop("%(level)r is not one of the levels"), level=default)
        fixed = self.table(data.get("fixed", {}), f"{field}.fixed")
        for kind, level in fixed.items():
            if kind not in kinds:
                raise self.fail(f"{field}.fixed.{kind}", gettext_noop("is not a request kind of this catalog"))
            if level not in levels:
                raise self.fail(f"{field}.fixed.{kind}", gettext_noop("%(level)r is not one of the levels"), level=level)
        impacts: tuple[str, ...] = ()
        urgencies: tuple[str, ...] = ()
        matrix: dict[tuple[str, str], str] = {}
        if scheme == "matrix":
            impacts = tuple(self.string_list(self.need(data, "impacts", field, list), f"{field}.impacts"))
            urgencies = tuple(self.string_list(self.need(data, "urgencies", field, list), f"{field}.urgencies"))
            rows = self.table(self.need(data, "matrix", field, dict), f"{field}.matrix")
            for impact in impacts:
                row = rows.get(impact)
                if not isinstance(row, list) or len(row) != len(urgencies):
                    raise self.fail(f"{field}.matrix.{impact}", gettext_noop("must list one level per urgency (%(urgencies)s)"), urgencies=', '.join(urgencies))
                for urgency, level in zip(urgencies, row, strict=True):
                    if level not in levels:
                        raise self.fail(f"{field}.matrix.{impact}", gettext_noop("%(level)r is not one of the levels"), level=level)
                    matrix[(impact, urgency)] = level
        elif default is None:
            raise self.fail(f"{field}.default", gettext_noop("is required for a categories scheme"))
        labels = {
            level: self.names(value, f"{field}.labels.{level}")
            for level, value in self.table(data.get("labels", {}), f"{field}.labels").items()
        }
        provisional = data.get("provisional")
        if provisional is not None and provisional not in levels:
            raise self.fail(f"{field}.provisional", gettext_noop("%(level)r is not one of the levels"), level=provisional)
        motivation = data.get("category_motivation", "required")
        if motivation not in MOTIVATION_RULES:
            raise self.fail(f"{field}.category_motivation", gettext_noop("must be one of %(choices)s"), choices=', '.join(MOTIVATION_RULES))
        return PriorityScheme(scheme, levels, default, dict(fixed), impacts, urgencies, matrix, labels, provisional,
                              category_motivation=motivation)

    def _include_order(self, raw: dict) -> list[str]:
        order: list[str] = []
        visiting: set[str] = set()

        def visit(key: str) -> None:
            if key in order:
                return
            if key in visiting:
                raise self.fail(f"packages.{key}.includes", gettext_noop("includes itself through a cycle"))
            visiting.add(key)
            parent = self.table(raw[key], f"packages.{key}").get("includes")
            if parent is not None:
                if parent not in raw:
                    raise self.fail(f"packages.{key}.includes", gettext_noop("no package %(parent)r"), parent=parent)
                visit(parent)
            order.append(key)

        for key in raw:
            visit(key)
        return order

    def targets(self, data: Any, field: str, levels: tuple[str, ...], kinds: list[str]) -> tuple[TargetRule, ...]:
        rules = []
        for item_field, item in self.tables(data, field, "([[...targets]])"):
            level = self.need(item, "priority", item_field)
            if level not in levels and level != "*":
                raise self.fail(f"{item_field}.priority", gettext_noop("%(level)r is not one of %(levels)s or *"), level=level, levels=', '.join(levels))
            rule_kinds = item.get("kinds")
            if rule_kinds is not None:
                rule_kinds = frozenset(self.string_list(rule_kinds, f"{item_field}.kinds", kinds))
            products = item.get("products")
            if products is not None:
                names = self.string_list(products, f"{item_field}.products")
                if not names or not all(product_key(name) for name in names):
                    raise self.fail(f"{item_field}.products", gettext_noop("must name at least one product, none blank"))
                products = frozenset(product_key(name) for name in names)
            parsed: dict[str, Target | None] = {}
            for metric in METRICS:
                value = item.get(metric)
                if value is None:
                    parsed[metric] = None
                    continue
                try:
                    parsed[metric] = Target.parse(value)
                except TargetError as exc:
                    raise self.fail(f"{item_field}.{metric}", str(exc), f"target_{exc.code}", **exc.params) from None
            rules.append(TargetRule(level, rule_kinds, parsed["response"], parsed["resolution"], products))
        return tuple(rules)

    def calendar_rules(self, data: Any, field: str, calendars: dict, priority: PriorityScheme, kinds: list[str]) -> tuple[CalendarRule, ...]:
        rules = []
        for item_field, item in self.tables(data, field):
            cal = self.need(item, "calendar", item_field)
            if cal not in calendars:
                raise self.fail(f"{item_field}.calendar", gettext_noop("no calendar %(calendar)r"), calendar=cal)
            rule_kinds = item.get("kinds")
            prios = item.get("priorities")
            rules.append(
                CalendarRule(
                    cal,
                    frozenset(self.string_list(rule_kinds, f"{item_field}.kinds", kinds)) if rule_kinds is not None else None,
                    frozenset(self.string_list(prios, f"{item_field}.priorities", priority.levels)) if prios is not None else None,
                )
            )
        return tuple(rules)

    def entitlement_list(self, data: Any, field: str) -> frozenset[str]:
        return frozenset(self.string_list(data, field, ENTITLEMENTS))

    def package(self, key: str, data: Any, done: dict[str, Package], calendars: dict, priority: PriorityScheme,
                kinds: list[str]) -> Package:
        field = f"packages.{key}"
        data = self.table(data, field)
        parent = done.get(data.get("includes"))
        calendar = data.get("calendar", parent.calendar if parent else None)
        if calendar is None:
            raise self.fail(f"{field}.calendar", gettext_noop("is required"))
        if calendar not in calendars:
            raise self.fail(f"{field}.calendar", gettext_noop("no calendar %(calendar)r"), calendar=calendar)
        limits = self.table(data.get("limits", {}), f"{field}.limits")
        for name, value in limits.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise self.fail(f"{field}.limits.{name}", gettext_noop("must be a whole number"))
        own_targets = self.targets(data.get("targets", []), f"{field}.targets", priority.levels, kinds)
        queue_rank = data.get("queue_rank", parent.queue_rank if parent else 0)
        if not isinstance(queue_rank, int) or isinstance(queue_rank, bool) or not 0 <= queue_rank <= MAX_QUEUE_RANK:
            raise self.fail(f"{field}.queue_rank", gettext_noop("must be a whole number from 0 to %(max_queue_rank)s"), max_queue_rank=MAX_QUEUE_RANK)
        own_rules = self.calendar_rules(data.get("calendar_rules", []), f"{field}.calendar_rules", calendars, priority, kinds)
        return Package(
            id=key,
            name=self.names(self.need(data, "name", field, (str, dict)), f"{field}.name"),
            monthly_price=self.money(data.get("monthly_price", "0"), f"{field}.monthly_price"),
            calendar=calendar,
            includes=data.get("includes"),
            limits={**(parent.limits if parent else {}), **limits},
            entitlements=self.entitlement_list(data.get("entitlements", []), f"{field}.entitlements")
            | (parent.entitlements if parent else frozenset()),
            covers=frozenset(self.string_list(data.get("covers", []), f"{field}.covers", kinds))
            | (parent.covers if parent else frozenset()),
            targets=own_targets + (parent.targets if parent else ()),
            calendar_rules=own_rules + (parent.calendar_rules if parent else ()),
            description=self.names(data.get("description", ""), f"{field}.description") if data.get("description") else {},
            queue_rank=queue_rank,
        )

    def addon(self, key: str, data: Any, packages: dict[str, Package], calendars: dict, priority: PriorityScheme,
              kinds: list[str]) -> Addon:
        field = f"addons.{key}"
        data = self.table(data, field)
        requires = frozenset(self.string_list(data.get("requires", []), f"{field}.requires", packages))
        named_units = data.get("named_units", False)
        if not isinstance(named_units, bool):
            raise self.fail(f"{field}.named_units", gettext_noop("must be true or false"))
        if named_units and str(data.get("unit", "month")) == "month":
            raise self.fail(f"{field}.named_units", gettext_noop("needs a counted unit (e.g. unit = \"integration\"), not \"month\""))
        return Addon(
            id=key,
            name=self.names(self.need(data, "name", field, (str, dict)), f"{field}.name"),
            monthly_price=self.money(data.get("monthly_price", "0"), f"{field}.monthly_price"),
            unit=str(data.get("unit", "month")),
            requires=requires,
            entitlements=self.entitlement_list(data.get("entitlements", []), f"{field}.entitlements"),
            removes=self.entitlement_list(data.get("removes", []), f"{field}.removes"),
            targets=self.targets(data.get("targets", []), f"{field}.targets", priority.levels, kinds),
            calendar_rules=self.calendar_rules(data.get("calendar_rules", []), f"{field}.calendar_rules", calendars, priority, kinds),
            excludes=tuple(self.string_list(data.get("excludes", []), f"{field}.excludes")),
            description=self.names(data.get("description", ""), f"{field}.description") if data.get("description") else {},
            named_units=named_units,
        )
