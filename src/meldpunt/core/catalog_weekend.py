"""Reading a catalog's ``[special_weekend]`` table (docs/catalogs.md, "Special-event weekend").

Catalogs written before the table existed said ``[coverage] weekend_calendar`` and
``weekend_notice_days``; those still load, as a weekend for incidents of every priority on
Saturday and Sunday (what they meant then), and ``meldpunt catalog check`` says to move them.
"""

from __future__ import annotations

from meldpunt.core.businesstime import DAY_MINUTES, parse_range
from meldpunt.core.calendars import CalendarDef
from meldpunt.core.catalog_reading import FieldReader
from meldpunt.core.marks import gettext_noop
from meldpunt.core.priority import PriorityScheme
from meldpunt.core.special_weekend import WeekendRule, length_between, parse_moment
from meldpunt.core.vocabulary import ENTITLEMENTS

NAME = "special_weekend"
KEYS = {"entitlement", "starts", "ends", "hours", "timezone", "notice_days", "per_year", "kinds", "priorities",
        "products", "non_standard_words", "non_standard_scopes", "language", "description"}
LEGACY = ("weekend_calendar", "weekend_notice_days")


def read_special_weekend(reader: FieldReader, data: dict, kinds: list[str], priority: PriorityScheme,
                         calendars: dict[str, CalendarDef], packages: dict) -> WeekendRule | None:
    """The catalog's weekend rule, or None when it offers no special-event weekend."""
    coverage = data.get("coverage", {}) if isinstance(data.get("coverage", {}), dict) else {}
    legacy = [key for key in LEGACY if key in coverage]
    if NAME not in data:
        return _legacy(reader, coverage, calendars, packages) if "weekend_calendar" in coverage else None
    if legacy:
        raise reader.fail(f"coverage.{legacy[0]}", gettext_noop("is replaced by [%(name)s]; remove it"), name=NAME)
    table = reader.table(data[NAME], NAME)
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise reader.fail(f"{NAME}.{unknown[0]}", gettext_noop("unknown key; keys: %(keys)s"), keys=', '.join(sorted(KEYS)))
    entitlement = table.get("entitlement", "special_event_weekend")
    if entitlement not in ENTITLEMENTS:
        raise reader.fail(f"{NAME}.entitlement", gettext_noop("unknown entitlement %(entitlement)r"), entitlement=entitlement)
    try:
        start = parse_moment(str(table.get("starts", "sat 00:00")))
    except ValueError as exc:
        raise reader.fail_from(f"{NAME}.starts", exc) from None
    try:
        end = parse_moment(str(table.get("ends", "mon 00:00")))
    except ValueError as exc:
        raise reader.fail_from(f"{NAME}.ends", exc) from None
    try:
        hours = tuple(parse_range(r) for r in reader.string_list(table.get("hours", ["00:00-24:00"]), f"{NAME}.hours"))
    except ValueError as exc:
        raise reader.fail_from(f"{NAME}.hours", exc) from None
    if not hours:
        raise reader.fail(f"{NAME}.hours", gettext_noop("must name at least one range such as 00:00-24:00"))
    zone = table.get("timezone") or next(iter(calendars.values())).timezone
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
    except Exception:
        raise reader.fail(f"{NAME}.timezone", gettext_noop("%(zone)r is not an IANA time zone"), zone=zone) from None
    products = table.get("products", "all")
    if products not in ("all", "standard"):
        raise reader.fail(f"{NAME}.products", gettext_noop("must be \"all\" or \"standard\""))
    language = table.get("language")
    if language is not None and language not in ("nl", "en"):
        raise reader.fail(f"{NAME}.language", gettext_noop("must be \"nl\" or \"en\""))
    kinds_covered = table.get("kinds")
    levels = table.get("priorities")
    return WeekendRule(
        entitlement=entitlement,
        start_day=start[0], start_minute=start[1], length_minutes=length_between(start, end),
        hours=hours, timezone=zone,
        notice_days=_whole(reader, table, "notice_days", 14, 0, 3650),
        per_year=_whole(reader, table, "per_year", 1, 1, 52),
        kinds=None if kinds_covered is None else frozenset(reader.string_list(kinds_covered, f"{NAME}.kinds", kinds)),
        priorities=None if levels is None
        else frozenset(reader.string_list(levels, f"{NAME}.priorities", priority.levels)),
        standard_only=products == "standard",
        non_standard_words=tuple(reader.string_list(table.get("non_standard_words", []), f"{NAME}.non_standard_words")),
        non_standard_scopes=tuple(reader.string_list(table.get("non_standard_scopes", ["custom", "third_party"]),
                                                     f"{NAME}.non_standard_scopes")),
        language=language,
        description=reader.names(table["description"], f"{NAME}.description") if "description" in table else {},
        granted_by=_granted_by(packages, entitlement),
    )


def _legacy(reader: FieldReader, coverage: dict, calendars: dict[str, CalendarDef], packages: dict) -> WeekendRule:
    calendar = coverage["weekend_calendar"]
    if calendar not in calendars:
        raise reader.fail("coverage.weekend_calendar", gettext_noop("no calendar %(calendar)r"), calendar=calendar)
    return WeekendRule(
        length_minutes=2 * DAY_MINUTES, timezone=calendars[calendar].timezone,
        notice_days=_whole(reader, coverage, "weekend_notice_days", 14, 0, 3650, "coverage"),
        kinds=frozenset({"incident"}), granted_by=_granted_by(packages, "special_event_weekend"), legacy=True,
    )


def _whole(reader: FieldReader, data: dict, key: str, default: int, low: int, high: int, where: str = NAME) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise reader.fail(f"{where}.{key}", gettext_noop("must be a whole number from %(low)s to %(high)s"), low=low, high=high)
    return value


def _granted_by(packages: dict, entitlement: str) -> dict[str, str]:
    """The names of the packages that grant the weekend, per language."""
    granting = [p for p in packages.values() if entitlement in p.entitlements]
    return {lang: ", ".join(p.name.get(lang) or p.id for p in granting) for lang in ("nl", "en")} if granting else {}
