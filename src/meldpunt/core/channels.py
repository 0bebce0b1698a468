"""What a catalog says about the channels requests come in by (``[channels.<channel>]``).

Seed 004 lists "monitoring" among what every PrioritySupport package includes: alerts from
the vendor's monitoring of the customer's system become incidents. A channel that a
package grants is closed to agreements without it: ``entitlement`` names the entitlement
(:data:`meldpunt.core.vocabulary.ENTITLEMENTS`) a request by that channel needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from meldpunt.core.vocabulary import ENTITLEMENTS

if TYPE_CHECKING:  # the reader's module imports the catalog, which imports this
    from meldpunt.core.catalog_reading import FieldReader

#: The channels a request may come in by (the tickets' channel choices).
CHANNELS = ("email", "portal", "phone", "chat", "api", "monitoring")


@dataclass(frozen=True)
class ChannelRule:
    entitlement: str | None = None  # None: open to every agreement


def missing_entitlement(rules: Mapping[str, ChannelRule], channel: str, granted: frozenset[str]) -> str | None:
    """The entitlement an agreement granting ``granted`` lacks to register a request by
    ``channel`` (a code; the app words the refusal in the reader's language); None: it may."""
    rule = rules.get(channel)
    if rule is None or rule.entitlement is None or rule.entitlement in granted:
        return None
    return rule.entitlement


def channel_refusal(rules: Mapping[str, ChannelRule], channel: str, granted: frozenset[str]) -> str | None:
    """Why an agreement granting ``granted`` may not register a request by ``channel``, in
    English (logs, the command line); None: it may."""
    entitlement = missing_entitlement(rules, channel, granted)
    if entitlement is None:
        return None
    return f"requests by {channel} need the entitlement {entitlement!r}, which this agreement does not include"


def read_channels(reader: FieldReader, data: Any) -> dict[str, ChannelRule]:
    rules = {}
    for channel, item in reader.table(data, "channels").items():
        field = f"channels.{channel}"
        if channel not in CHANNELS:
            raise reader.fail(field, f"unknown channel; channels: {', '.join(CHANNELS)}")
        item = reader.table(item, field)
        entitlement = item.get("entitlement")
        if entitlement is not None and entitlement not in ENTITLEMENTS:
            raise reader.fail(f"{field}.entitlement", f"unknown entitlement {entitlement!r}")
        rules[channel] = ChannelRule(entitlement=entitlement)
    return rules
