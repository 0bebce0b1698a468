"""The channels and contact numbers of a catalog as ``meldpunt catalog diff`` compares them (the
summary of ``catalog check`` words them in ``contracts.catalog_summary_parts``)."""

from __future__ import annotations

from meldpunt.core.catalog import Catalog
from meldpunt.core.channels import ChannelHours


def _only(hours: ChannelHours) -> str:
    parts = []
    for key in ("packages", "addons", "kinds", "priorities"):
        values = getattr(hours, key)
        if values is not None:
            parts.append(f"{key} {', '.join(sorted(values))}")
    return "; ".join(parts) or "all"


def channel_facts(catalog: Catalog) -> dict[str, str]:
    """What a change to the channels or contacts touches, one named line each (``catalog diff``)."""
    f: dict[str, str] = {}
    for channel, rule in catalog.channels.items():
        base = f"channels.{channel}"
        f[f"{base}.entitlement"] = rule.entitlement or ""
        f[f"{base}.kinds"] = ", ".join(sorted(rule.kinds)) if rule.kinds is not None else ""
        f[f"{base}.calendar"] = rule.calendar or ""
        for index, hours in enumerate(rule.hours):
            f[f"{base}.hours[{index}]"] = f"{hours.calendar} for {_only(hours)}"
    for point in catalog.contacts:
        f[f"contacts.{point.channel}.{point.value}"] = point.text("en") + (
            f" ({', '.join(sorted(point.kinds))})" if point.kinds is not None else "")
    return f
