"""What a catalog says, for people: the facts the summary of ``meldpunt catalog check`` shows
(worded by ``contracts.catalog_summary``) and the changes of ``meldpunt catalog diff``
(docs/catalogs.md, "Checking a catalog").

Both read the parsed :class:`~meldpunt.core.catalog.Catalog`, never the file's text, so the
summary shows what the loader understood (inherited targets, the holidays the library
gives) and a diff ignores comments and layout. :func:`facts` flattens a catalog into named
lines (``packages.small.targets.A.incident.response = 2h``); the diff compares those and,
for calendars whose holidays changed, the closed days they gain or lose in the coming years.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from meldpunt.core.businesstime import DAY_MINUTES, WEEKDAYS
from meldpunt.core.calendars import CalendarDef, describe_hours, public_holidays
from meldpunt.core.catalog import Catalog
from meldpunt.core.channel_report import channel_facts
from meldpunt.core.marks import Joined, Words, gettext_noop
from meldpunt.core.special_weekend import WeekendRule

METRICS = ("response", "resolution")


def _name(names: Mapping[str, str], language: str = "en") -> str:
    return names.get(language) or names.get("en") or next(iter(names.values()), "") if names else ""


def holidays_text(definition: CalendarDef) -> Words:
    rule = definition.holidays
    if rule is None:
        return Words(gettext_noop("none"))
    parts: list[Words | str] = [rule.label]
    if rule.categories != ("public",):
        parts.append(Words(gettext_noop("categories %(names)s"), names=", ".join(rule.categories)))
    if rule.only is not None:
        parts.append(Words(gettext_noop("only %(names)s"), names=", ".join(sorted(rule.only))))
    if rule.without:
        parts.append(Words(gettext_noop("except %(names)s"), names=", ".join(sorted(rule.without))))
    if rule.extra:
        parts.append(Words(gettext_noop("plus every year %(days)s"),
                           days=", ".join(f"{e.month:02d}-{e.day:02d} {e.name_en}" for e in rule.extra)))
    if rule.removed:
        parts.append(Words(gettext_noop("open on %(days)s"), days=", ".join(d.isoformat() for d in sorted(rule.removed))))
    return Joined(parts)


def products_of(catalog: Catalog, package_id: str, addons: Iterable[str] = ()) -> list[str]:
    """The products (as compared: trimmed, any case) that rules of this package or these add-ons name."""
    rules = [*catalog.package(package_id).targets, *(r for a in addons for r in catalog.addons[a].targets)]
    return sorted({p for rule in rules if rule.products for p in rule.products})


def target_table(catalog: Catalog, package_id: str, addons: Iterable[str] = (), *, all_word: str = "all",
                 product_word: str = "product") -> list[tuple[str, str, str, str, str]]:
    """(priority, kinds, response, resolution, calendar) per priority level, kinds with the
    same targets and calendar grouped; no target shows as ``-``. A product with targets of
    its own adds rows ``kinds [product p]`` where they differ from any product's. The words
    ``all`` and ``product`` are the reader's when the summary passes them."""
    addons = list(addons)
    rows: list[tuple[str, str, str, str, str]] = []
    for level in catalog.priority.levels:
        generic: dict[str, tuple[str, str, str]] = {}
        for product in ["", *products_of(catalog, package_id, addons)]:
            groups: dict[tuple[str, str, str], list[str]] = {}
            for kind in catalog.kinds:
                fixed = catalog.priority.fixed.get(kind)
                if fixed is not None and fixed != level:
                    continue
                found = [catalog.target_for(package_id, addons, kind, level, metric, product=product) for metric in METRICS]
                calendar = catalog.calendar_for(package_id, addons, kind, level).id
                key = (*(str(t) if t is not None else "-" for t in found), calendar)
                if not product:
                    generic[kind] = key  # type: ignore[assignment]
                elif generic.get(kind) == key:
                    continue
                groups.setdefault(key, []).append(kind)  # type: ignore[arg-type]
            for (response, resolution, calendar), kinds in groups.items():
                shown = all_word if len(kinds) == len(catalog.kinds) else ", ".join(kinds)
                rows.append((level, f"{shown} [{product_word} {product}]" if product else shown, response, resolution, calendar))
    return rows


ALL = Words(gettext_noop("all"))


class WeeklyHours(Words):
    """A calendar's weekly hours as a fact, worded by :func:`describe_hours`."""

    __slots__ = ("weekly",)

    def __init__(self, weekly: Sequence[Sequence[tuple[int, int]]]) -> None:
        super().__init__("")
        self.weekly = tuple(tuple(day) for day in weekly)

    def word(self, translate: Callable[[str], str]) -> str:
        return describe_hours(self.weekly, None, translate)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WeeklyHours) and self.weekly == other.weekly

    def __hash__(self) -> int:
        return hash(self.weekly)


def weekend_facts(rule: WeekendRule) -> dict[str, str | Words]:
    """The ``[special_weekend]`` table as named lines (``catalog diff``)."""
    hhmm = lambda m: f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
    end = rule.start_day * DAY_MINUTES + rule.start_minute + rule.length_minutes
    return {
        "window": Words(gettext_noop("%(window)s, staffed %(hours)s"),
                        window=f"{WEEKDAYS[rule.start_day]} {hhmm(rule.start_minute)} – "
                               f"{WEEKDAYS[(end // DAY_MINUTES) % 7]} {hhmm(end % DAY_MINUTES)} ({rule.timezone})",
                        hours=", ".join(f"{hhmm(a)}–{hhmm(b)}" for a, b in rule.hours)),
        "booking": Words(gettext_noop("%(count)s per agreement year, at least %(days)s days ahead, "
                                      "granted by entitlement %(entitlement)s"),
                         count=rule.per_year, days=rule.notice_days, entitlement=rule.entitlement),
        "kinds": ", ".join(sorted(rule.kinds)) if rule.kinds is not None else ALL,
        "priorities": ", ".join(sorted(rule.priorities)) if rule.priorities is not None else ALL,
        "products": Words(gettext_noop("standard only (not when naming: %(words)s; scopes %(scopes)s)"),
                          words=", ".join(rule.non_standard_words) or "-",
                          scopes=", ".join(rule.non_standard_scopes) or "-") if rule.standard_only else ALL,
        "language": rule.language or Words(gettext_noop("the customer's")),
    }


def _targets(response: object, resolution: object, calendar: str | None = None) -> Words:
    if calendar is None:
        return Words(gettext_noop("response %(response)s, resolution %(resolution)s"),
                     response=response or "-", resolution=resolution or "-")
    return Words(gettext_noop("response %(response)s, resolution %(resolution)s, calendar %(calendar)s"),
                 response=response, resolution=resolution, calendar=calendar)


def facts(catalog: Catalog) -> dict[str, str | Words]:
    """Everything a change can touch, one named line each: a plain value, or :class:`Words`
    an app words in the reader's language."""
    f: dict[str, str | Words] = {}
    for key in ("name", "version", "currency", "vat_rate"):
        f[key] = str(getattr(catalog, key))
    f["kinds"] = ", ".join(catalog.kinds)
    for cal in catalog.calendars.values():
        base = f"calendars.{cal.id}"
        f[f"{base}.name"] = cal.label("en")
        f[f"{base}.timezone"] = cal.timezone
        f[f"{base}.hours"] = WeeklyHours(cal.weekly)
        f[f"{base}.holidays"] = holidays_text(cal)
        for day, reason in cal.closed.items():
            f[f"{base}.closed.{day.isoformat()}"] = reason
    scheme = catalog.priority
    f["priority.scheme"] = scheme.scheme
    f["priority.levels"] = ", ".join(scheme.levels)
    for key in ("default", "provisional"):
        if getattr(scheme, key):
            f[f"priority.{key}"] = str(getattr(scheme, key))
    for kind, level in scheme.fixed.items():
        f[f"priority.fixed.{kind}"] = level
    f["targets.indicative"] = ", ".join(m for m in METRICS if m in catalog.indicative)
    for (impact, urgency), level in scheme.matrix.items():
        f[f"priority.matrix.{impact}.{urgency}"] = level
    for package in catalog.packages.values():
        base = f"packages.{package.id}"
        f[f"{base}.name"] = _name(package.name)
        f[f"{base}.monthly_price"] = str(package.monthly_price)
        f[f"{base}.calendar"] = package.calendar
        f[f"{base}.queue_rank"] = str(package.queue_rank) if package.queue_rank else ""
        f[f"{base}.covers"] = ", ".join(sorted(package.covers))
        f[f"{base}.entitlements"] = ", ".join(sorted(package.entitlements))
        for name, value in package.limits.items():
            f[f"{base}.limits.{name}"] = str(value)
        for level, kinds, response, resolution, calendar in target_table(catalog, package.id):
            f[f"{base}.targets.{level}.{kinds}"] = _targets(response, resolution, calendar)
    for addon in catalog.addons.values():
        base = f"addons.{addon.id}"
        f[f"{base}.name"] = _name(addon.name)
        f[f"{base}.monthly_price"] = f"{addon.monthly_price}/{addon.unit}"
        f[f"{base}.requires"] = ", ".join(sorted(addon.requires))
        f[f"{base}.entitlements"] = ", ".join(sorted(addon.entitlements))
        f[f"{base}.removes"] = ", ".join(sorted(addon.removes))
        for rule in addon.targets:
            kinds = ", ".join(sorted(rule.kinds)) if rule.kinds else "all"
            kinds += f" [product {', '.join(sorted(rule.products))}]" if rule.products else ""
            f[f"{base}.targets.{rule.priority}.{kinds}"] = _targets(rule.response, rule.resolution)
        for index, cal_rule in enumerate(addon.calendar_rules):
            f[f"{base}.calendar_rules[{index}]"] = Words(
                gettext_noop("%(calendar)s for kinds %(kinds)s, priorities %(priorities)s"), calendar=cal_rule.calendar,
                kinds=", ".join(sorted(cal_rule.kinds)) if cal_rule.kinds else ALL,
                priorities=", ".join(sorted(cal_rule.priorities)) if cal_rule.priorities else ALL)
    if catalog.special_weekend is not None:
        for fact, text in weekend_facts(catalog.special_weekend).items():
            f[f"special_weekend.{fact}"] = text
    f.update(channel_facts(catalog))
    return {k: v for k, v in f.items() if v != ""}


def diff(old: Catalog, new: Catalog, years: Iterable[int] | None = None,
         word: Callable[[object], str] = str) -> list[str]:
    """What ``new`` changes against ``old``: ``+`` added, ``-`` removed, ``~`` changed, and for
    each calendar whose holidays changed the closed days gained and lost in ``years`` (the
    current year and the four after it by default). Empty when nothing a person sees changed.
    ``word`` writes a value (:class:`Words` in the reader's language; default English)."""
    before, after = facts(old), facts(new)
    out = []
    for key in sorted(before.keys() | after.keys(), key=_order(before, after)):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if a is None:
            out.append(f"+ {key}: {word(b)}")
        elif b is None:
            out.append(f"- {key}: {word(a)}")
        else:
            out.append(f"~ {key}: {word(a)} → {word(b)}")
    this_year = date.today().year
    for cal_id in sorted(old.calendars.keys() & new.calendars.keys()):
        was, now = old.calendars[cal_id].holidays, new.calendars[cal_id].holidays
        if was == now:
            continue
        for year in years or range(this_year, this_year + 5):
            a_days = public_holidays(was, year) if was else {}
            b_days = public_holidays(now, year) if now else {}
            for day in sorted(a_days.keys() - b_days.keys()):
                out.append("  " + word(Words(gettext_noop("calendar %(calendar)s: open on %(day)s (%(name)s), closed before"),
                                             calendar=cal_id, day=day.isoformat(), name=a_days[day])))
            for day in sorted(b_days.keys() - a_days.keys()):
                out.append("  " + word(Words(gettext_noop("calendar %(calendar)s: closed on %(day)s (%(name)s)"),
                                             calendar=cal_id, day=day.isoformat(), name=b_days[day])))
    return out


def _order(before: dict[str, str | Words], after: dict[str, str | Words]) -> Callable[[str], int]:
    """Keys in the order the catalog lists them (old first, then what is new)."""
    position = {key: index for index, key in enumerate([*before, *(k for k in after if k not in before)])}
    return lambda key: position[key]
