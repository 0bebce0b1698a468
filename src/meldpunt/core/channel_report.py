"""The channels and contact numbers of a catalog in ``meldpunt catalog check`` and ``diff``."""

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


def channel_summary(catalog: Catalog, language: str = "en") -> list[str]:
    """One line per channel rule with its hours rules, then one per contact point."""
    out: list[str] = []
    if catalog.channels:
        out += ["", f"Channels ({len(catalog.channels)}):"]
        for channel, rule in catalog.channels.items():
            bits = [f"needs {rule.entitlement}" if rule.entitlement else "open to every agreement"]
            if rule.kinds is not None:
                bits.append(f"only {', '.join(sorted(rule.kinds))}")
            bits.append(f"calendar {rule.calendar or 'of the package'}")
            label = f" ({rule.label.get(language) or rule.label.get('en')})" if rule.label else ""
            out.append(f"  {channel}{label}: {', '.join(bits)}")
            for hours in rule.hours:
                out.append(f"    calendar {hours.calendar} for {_only(hours)}")
    out += ["", f"Contacts ({len(catalog.contacts)}):" if catalog.contacts else "Contacts: none"]
    for point in catalog.contacts:
        scope = [f"{key} {', '.join(sorted(getattr(point, key)))}" for key in ("kinds", "packages", "addons")
                 if getattr(point, key) is not None]
        out.append(f"  {point.channel} {point.value}: {point.text(language)}" + (f" — {'; '.join(scope)}" if scope else ""))
    return out


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
