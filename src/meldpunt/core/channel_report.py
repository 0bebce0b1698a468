"""The channels and contact numbers of a catalog as ``meldpunt catalog diff`` compares them (the
summary of ``catalog check`` words them in ``contracts.catalog_summary_parts``)."""

from __future__ import annotations

from meldpunt.core.catalog import Catalog
from meldpunt.core.channels import ChannelHours
from meldpunt.core.marks import Joined, Words, gettext_noop

#: How a channel's hours are limited, by field (the field names are the catalog's).
ONLY = {"packages": gettext_noop("packages %(names)s"), "addons": gettext_noop("add-ons %(names)s"),
        "kinds": gettext_noop("kinds %(names)s"), "priorities": gettext_noop("priorities %(names)s")}


def _only(hours: ChannelHours) -> Words:
    parts: list[Words | str] = []
    for key, template in ONLY.items():
        values = getattr(hours, key)
        if values is not None:
            parts.append(Words(template, names=", ".join(sorted(values))))
    return Joined(parts) if parts else Words(gettext_noop("all"))


def channel_facts(catalog: Catalog) -> dict[str, str | Words]:
    """What a change to the channels or contacts touches, one named line each (``catalog diff``)."""
    f: dict[str, str | Words] = {}
    for channel, rule in catalog.channels.items():
        base = f"channels.{channel}"
        f[f"{base}.entitlement"] = rule.entitlement or ""
        f[f"{base}.kinds"] = ", ".join(sorted(rule.kinds)) if rule.kinds is not None else ""
        f[f"{base}.calendar"] = rule.calendar or ""
        for index, hours in enumerate(rule.hours):
            f[f"{base}.hours[{index}]"] = Words(gettext_noop("%(calendar)s for %(only)s"), calendar=hours.calendar,
                                                only=_only(hours))
    for point in catalog.contacts:
        f[f"contacts.{point.channel}.{point.value}"] = point.text("en") + (
            f" ({', '.join(sorted(point.kinds))})" if point.kinds is not None else "")
    return f
