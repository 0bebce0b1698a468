"""What a catalog says about the channels requests come in by (``[channels.<channel>]``).

A channel may be tied to an entitlement (seed 004 lists "monitoring" among what every
PrioritySupport package includes: an agreement without it sends no monitoring alerts), may
take only some request kinds (an emergency line for incidents), and may keep its own hours:
``calendar`` for every package, and ``[[channels.<channel>.hours]]`` rules per package,
add-on, priority and kind (seed 003: phone "tijdens de dekkingstijden van uw supportpakket",
critical issues 24 hours per workday or 24×7). A channel without hours of its own follows
the package's calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from meldpunt.core.marks import gettext_noop
from meldpunt.core.vocabulary import ENTITLEMENTS

if TYPE_CHECKING:  # the reader's module imports the catalog, which imports this
    from meldpunt.core.catalog_reading import FieldReader

#: The channels a request may come in by (the tickets' channel choices).
CHANNELS = ("email", "portal", "phone", "chat", "api", "monitoring", "emergency")
#: Channels that exist only where a catalog defines them (a vendor without an emergency line).
CATALOG_ONLY_CHANNELS = frozenset({"emergency"})
#: Channels a person answers: the portal and the console show whether they are open now.
LIVE_CHANNELS = ("phone", "chat", "emergency")
#: Which entitlements offer a live channel when its catalog rule names none.
LIVE_ENTITLEMENTS = {"phone": ("phone_support", "phone_during_coverage"), "chat": ("chat_support",),
                     "emergency": ("emergency_number",)}


@dataclass(frozen=True)
class ChannelHours:
    """The channel keeps ``calendar`` for these packages/add-ons and request kinds/priorities."""

    calendar: str
    packages: frozenset[str] | None = None
    addons: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    priorities: frozenset[str] | None = None

    def applies_to(self, package: str, addons: Sequence[str]) -> bool:
        return (self.packages is None or package in self.packages) and (
            self.addons is None or bool(self.addons.intersection(addons)))

    def matches(self, kind: str | None, priority: str | None) -> bool:
        """``None`` for kind or priority: any request (the rule must not narrow it)."""
        return (self.kinds is None or kind in self.kinds) and (self.priorities is None or priority in self.priorities)

    @property
    def narrowed(self) -> bool:
        return self.kinds is not None or self.priorities is not None


@dataclass(frozen=True)
class ChannelRule:
    entitlement: str | None = None  # None: open to every agreement
    kinds: frozenset[str] | None = None  # None: every kind
    calendar: str | None = None  # None: the package's calendar
    hours: tuple[ChannelHours, ...] = ()
    label: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChannelState:
    """Whether a live channel is open now: for every request, or only for some (``only``)."""

    channel: str
    granted: bool
    open: bool
    only: tuple[ChannelHours, ...] = ()

    @property
    def open_for_all(self) -> bool:
        return self.open and not self.only


def missing_entitlement(rules: Mapping[str, ChannelRule], channel: str, granted: frozenset[str]) -> str | None:
    """The entitlement an agreement granting ``granted`` lacks to register a request by
    ``channel`` (a code; the app words the refusal in the reader's language); None: it has
    it, or the channel needs none."""
    rule = rules.get(channel)
    if rule is None or rule.entitlement is None or rule.entitlement in granted:
        return None
    return rule.entitlement


def refused_kind(rules: Mapping[str, ChannelRule], channel: str, kind: str | None) -> bool:
    """Whether ``channel`` does not take ``kind`` requests (an emergency line for incidents)."""
    rule = rules.get(channel)
    return rule is not None and kind is not None and rule.kinds is not None and kind not in rule.kinds


def channel_refusal(rules: Mapping[str, ChannelRule], channel: str, granted: frozenset[str],
                    kind: str | None = None) -> str | None:
    """Why an agreement granting ``granted`` may not register a ``kind`` request by
    ``channel``, in English (logs, the command line); None: it may."""
    if channel not in rules:
        return f"this catalog has no {channel} channel" if channel in CATALOG_ONLY_CHANNELS else None
    entitlement = missing_entitlement(rules, channel, granted)
    if entitlement is not None:
        return f"requests by {channel} need the entitlement {entitlement!r}, which this agreement does not include"
    if refused_kind(rules, channel, kind):
        return f"the {channel} channel takes only {', '.join(sorted(rules[channel].kinds or ()))} requests"
    return None


def channel_calendar(rule: ChannelRule | None, package: str, package_calendar: str, addons: Sequence[str],
                     kind: str | None = None, priority: str | None = None) -> str:
    """The calendar id a channel keeps for a request: the first matching hours rule, then the
    channel's ``calendar``, then the package's."""
    if rule is None:
        return package_calendar
    for hours in rule.hours:
        if hours.applies_to(package, addons) and hours.matches(kind, priority):
            return hours.calendar
    return rule.calendar or package_calendar


def channel_state(channel: str, rule: ChannelRule | None, granted: frozenset[str], package: str,
                  package_calendar: str, addons: Sequence[str], is_open: Callable[[str], bool]) -> ChannelState:
    """Open now for every request (the channel's general calendar), or only for the requests of
    the narrowed hours rules whose calendar is open (e.g. critical issues only)."""
    names = (rule.entitlement,) if rule is not None and rule.entitlement else LIVE_ENTITLEMENTS.get(channel, ())
    if rule is None and channel in CATALOG_ONLY_CHANNELS:
        return ChannelState(channel, granted=False, open=False)
    allowed = not names or any(name in granted for name in names)
    if not allowed:
        return ChannelState(channel, granted=False, open=False)
    if is_open(channel_calendar(rule, package, package_calendar, addons)):
        return ChannelState(channel, granted=True, open=True)
    only = tuple(h for h in (rule.hours if rule else ()) if h.narrowed and h.applies_to(package, addons)
                 and is_open(h.calendar))
    return ChannelState(channel, granted=True, open=bool(only), only=only)


def read_channels(reader: FieldReader, data: Any, *, calendars: Mapping[str, Any] = {},  # noqa: B006 (read only)
                  packages: Sequence[str] = (), addons: Sequence[str] = (), kinds: Sequence[str] = (),
                  levels: Sequence[str] = ()) -> dict[str, ChannelRule]:
    rules = {}
    for channel, item in reader.table(data, "channels").items():
        field_ = f"channels.{channel}"
        if channel not in CHANNELS:
            raise reader.fail(field_, gettext_noop("unknown channel; channels: %(channels)s"), channels=', '.join(CHANNELS))
        item = reader.table(item, field_)
        unknown = set(item) - {"entitlement", "kinds", "calendar", "hours", "label"}
        if unknown:
            raise reader.fail(f"{field_}.{sorted(unknown)[0]}", gettext_noop("unknown key; keys: entitlement, kinds, calendar, hours, label"))
        entitlement = item.get("entitlement")
        if entitlement is not None and entitlement not in ENTITLEMENTS:
            raise reader.fail(f"{field_}.entitlement", gettext_noop("unknown entitlement %(entitlement)r"), entitlement=entitlement)
        calendar = item.get("calendar")
        if calendar is not None and calendar not in calendars:
            raise reader.fail(f"{field_}.calendar", gettext_noop("no calendar %(calendar)r"), calendar=calendar)
        hours = []
        for hours_field, entry in reader.tables(item.get("hours", []), f"{field_}.hours", "([[channels.<channel>.hours]])"):
            cal = reader.need(entry, "calendar", hours_field)
            if cal not in calendars:
                raise reader.fail(f"{hours_field}.calendar", gettext_noop("no calendar %(calendar)r"), calendar=cal)
            hours.append(ChannelHours(
                calendar=cal,
                packages=_names(reader, entry, "packages", hours_field, packages),
                addons=_names(reader, entry, "addons", hours_field, addons),
                kinds=_names(reader, entry, "kinds", hours_field, kinds),
                priorities=_names(reader, entry, "priorities", hours_field, levels),
            ))
        rules[channel] = ChannelRule(
            entitlement=entitlement,
            kinds=_names(reader, item, "kinds", field_, kinds),
            calendar=calendar,
            hours=tuple(hours),
            label=reader.names(item["label"], f"{field_}.label") if "label" in item else {},
        )
    return rules


def _names(reader: FieldReader, data: dict, key: str, field_: str, allowed: Sequence[str]) -> frozenset[str] | None:
    if key not in data:
        return None
    return frozenset(reader.string_list(data[key], f"{field_}.{key}", allowed))
