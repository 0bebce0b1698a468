"""A vendor's contact numbers and addresses (``[[contacts]]`` of a catalog).

Seed 001: "To consultancy for installation of software you can contact our support using
phone (+31 88 00 26 599)"; seed 000: a new licence key "door een e-mail te sturen naar
license@invantive.com". Each contact point is a phone number or an e-mail address on a
channel, with a label, optionally only for some request kinds, packages or add-ons. The
portal, the confirmation mail and the agents' console show the ones that apply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from meldpunt.core.marks import gettext_noop

if TYPE_CHECKING:
    from meldpunt.core.catalog_reading import FieldReader

PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,30}[0-9]")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class ContactPoint:
    channel: str
    label: Mapping[str, str]
    phone: str = ""
    email: str = ""
    kinds: frozenset[str] | None = None
    packages: frozenset[str] | None = None
    addons: frozenset[str] | None = None
    note: Mapping[str, str] = field(default_factory=dict)

    @property
    def value(self) -> str:
        return self.phone or self.email

    @property
    def href(self) -> str:
        """A ``tel:`` or ``mailto:`` link."""
        if self.phone:
            return "tel:" + re.sub(r"[^0-9+]", "", self.phone)
        return "mailto:" + self.email

    def applies_to(self, package: str | None, addons: Sequence[str], kind: str | None = None) -> bool:
        """For an agreement (``package`` None: any customer, e.g. before the agreement is known)
        and, when given, a request kind."""
        if package is not None:
            if self.packages is not None and package not in self.packages:
                return False
            if self.addons is not None and not self.addons.intersection(addons):
                return False
        elif self.packages is not None or self.addons is not None:
            return False
        return kind is None or self.kinds is None or kind in self.kinds

    def text(self, language: str, what: str = "label") -> str:
        texts = self.label if what == "label" else self.note
        return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def contacts_for(points: Sequence[ContactPoint], package: str | None, addons: Sequence[str] = (),
                 kind: str | None = None) -> list[ContactPoint]:
    return [point for point in points if point.applies_to(package, addons, kind)]


def read_contacts(reader: FieldReader, data: Any, *, channels: Sequence[str], packages: Sequence[str],
                  addons: Sequence[str], kinds: Sequence[str]) -> tuple[ContactPoint, ...]:
    points = []
    keys = {"channel", "label", "phone", "email", "kinds", "packages", "addons", "note"}
    for item_field, item in reader.tables(data, "contacts", "([[contacts]])"):
        unknown = set(item) - keys
        if unknown:
            raise reader.fail(f"{item_field}.{sorted(unknown)[0]}", gettext_noop("unknown key; keys: %(keys)s"), keys=', '.join(sorted(keys)))
        channel = reader.need(item, "channel", item_field)
        if channel not in channels:
            raise reader.fail(f"{item_field}.channel", gettext_noop("unknown channel %(channel)r; channels: %(channels)s"), channel=channel, channels=', '.join(channels))
        phone, email = item.get("phone", ""), item.get("email", "")
        if bool(phone) == bool(email):
            raise reader.fail(item_field, gettext_noop("give exactly one of phone or email"))
        if phone and (not isinstance(phone, str) or not PHONE.fullmatch(phone)):
            raise reader.fail(f"{item_field}.phone", gettext_noop("%(phone)r is not a phone number such as \"+31 88 00 26 599\""), phone=phone)
        if email and (not isinstance(email, str) or not EMAIL.fullmatch(email)):
            raise reader.fail(f"{item_field}.email", gettext_noop("%(email)r is not an e-mail address"), email=email)
        points.append(ContactPoint(
            channel=channel,
            label=reader.names(reader.need(item, "label", item_field, (str, dict)), f"{item_field}.label"),
            phone=phone,
            email=email,
            kinds=_subset(reader, item, "kinds", item_field, kinds),
            packages=_subset(reader, item, "packages", item_field, packages),
            addons=_subset(reader, item, "addons", item_field, addons),
            note=reader.names(item["note"], f"{item_field}.note") if "note" in item else {},
        ))
    return tuple(points)


def _subset(reader: FieldReader, data: dict, key: str, field_: str, allowed: Sequence[str]) -> frozenset[str] | None:
    if key not in data:
        return None
    return frozenset(reader.string_list(data[key], f"{field_}.{key}", allowed))
