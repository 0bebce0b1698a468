"""What one row of an import file means: which organisation, contact or agreement it names
(its natural key) and what it sets, written through :mod:`meldpunt.contracts.writes`, the
write path the API shares, so the admin's rules decide.

Columns (docs/import.md has the templates):

- organisations: ``number`` or ``name`` finds it (the number first); ``language``.
- contacts: ``email`` finds it; ``organisation`` (number or name), ``name``, ``phone``,
  ``language``, ``coordinator`` (yes/no).
- agreements: ``code`` finds it; ``organisation``, ``catalog`` (vendor id, optionally
  ``catalog_version``), ``package``, ``addons`` (``premium; koppeling=2: Exact | AFAS``),
  ``starts_on``, ``ends_on``, ``coordinator`` (e-mail), ``declared_users``,
  ``declared_customisation_lines``, ``target_overrides`` (JSON, as in the admin).

The columns ``id``, ``created_at`` and ``active`` of an export are read past, so an export's
files import as they are.

An empty cell keeps what is stored (or the default, for a new row), except in the columns
whose empty value means something: ``phone``, ``ends_on``, ``coordinator`` and ``addons``
set "none" when their column is in the file. Leave a column out to leave it alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from meldpunt.contracts import addresses
from meldpunt.contracts.models import Agreement, CatalogVersion, Contact, Organisation
from meldpunt.contracts.writes import (
    AddonLine,
    Written,
    catalog_version,
    write_agreement,
    write_contact,
    write_organisation,
)
from meldpunt.transfer.readers import as_text

TRUE = {"1", "yes", "y", "true", "ja", "j", "waar", "x"}
FALSE = {"0", "no", "n", "false", "nee", "onwaar", ""}


class RowError(ValueError):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


@dataclass
class RowResult:
    row: int
    key: str
    outcome: str  # created, changed, unchanged, refused
    column: str = ""
    reason: str = ""
    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"row": self.row, "key": self.key, "outcome": self.outcome, "column": self.column,
                "reason": self.reason, "changed": self.changed, "warnings": self.warnings}


class Kind:
    """One kind of import file. Subclasses name their columns and write one row."""

    name: ClassVar[str]
    key_columns: ClassVar[tuple[str, ...]]
    columns: ClassVar[tuple[str, ...]]
    #: Model field → the column it comes from, to name the column of a refusal.
    field_columns: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self._catalogs: dict[tuple[str, str], CatalogVersion | None] = {}

    #: Columns of the export that say something about a row but are not imported.
    informational: ClassVar[tuple[str, ...]] = ("id", "created_at", "active")

    def unknown_columns(self, columns: list[str]) -> list[str]:
        return [c for c in columns if c not in self.columns and c not in self.informational]

    def missing_columns(self, columns: list[str]) -> list[str]:
        return [] if any(c in columns for c in self.key_columns) else [" / ".join(self.key_columns)]

    def apply(self, values: dict[str, Any]) -> tuple[str, Written]:
        raise NotImplementedError

    def run_row(self, number: int, values: dict[str, Any]) -> RowResult:
        key = " / ".join(as_text(values.get(c)) for c in self.key_columns if as_text(values.get(c)))
        try:
            key, written = self.apply(values)
        except RowError as exc:
            return RowResult(number, key, "refused", exc.column, exc.reason)
        except ValidationError as exc:
            column, reason = self._first_error(exc)
            return RowResult(number, key, "refused", column, reason)
        return RowResult(number, key, written.outcome, changed=written.changed, warnings=written.warnings)

    def _first_error(self, exc: ValidationError) -> tuple[str, str]:
        if not hasattr(exc, "error_dict"):
            return "", "; ".join(exc.messages)
        parts = exc.message_dict
        name = next(iter(parts))
        column = "" if name == NON_FIELD_ERRORS else self.field_columns.get(name, name)
        return column, "; ".join(message for messages in parts.values() for message in messages)


def _text(values: dict, column: str) -> str:
    return as_text(values.get(column))


def _int(values: dict, column: str) -> int | None:
    text = _text(values, column)
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        raise RowError(column, _("%(value)r is not a whole number") % {"value": text}) from None
    if number < 0:
        raise RowError(column, _("%(value)r is below zero") % {"value": text})
    return number


def _date(values: dict, column: str) -> date | None:
    value = values.get(column)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RowError(column, _("%(value)r is not a date such as 2026-01-31") % {"value": text})


def _bool(values: dict, column: str) -> bool | None:
    text = _text(values, column).lower()
    if column not in values or text == "":
        return None
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise RowError(column, _("%(value)r is not yes or no") % {"value": text})


def _json_list(values: dict, column: str) -> list:
    text = _text(values, column)
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        raise RowError(column, _("not a JSON list")) from None
    if not isinstance(value, list):
        raise RowError(column, _("not a JSON list"))
    return value


def _language(values: dict, column: str = "language") -> str | None:
    return _text(values, column).lower() or None


def find_organisation(reference: str, column: str = "organisation") -> Organisation:
    """An organisation by its number, else by its name."""
    found = (Organisation.objects.filter(number=reference).first() if reference else None) or (
        Organisation.objects.filter(name=reference).first() if reference else None)
    if found is None:
        raise RowError(column, _("No organisation has the number or name %(ref)r.") % {"ref": reference} if reference
                       else _("Name the organisation (its number or name)."))
    return found


def _given(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class Organisations(Kind):
    name = "organisations"
    key_columns = ("number", "name")
    columns = ("number", "name", "language")

    def apply(self, values):
        number, name = _text(values, "number"), _text(values, "name")
        found = Organisation.objects.filter(number=number).first() if number else None
        if found is None and name:
            found = Organisation.objects.filter(name=name).first()
            if found is not None and number and found.number:
                raise RowError("name", _("The name %(name)r belongs to organisation number %(number)s.") % {
                    "name": name, "number": found.number})
        if found is None and not name:
            raise RowError("name", _("A new organisation needs a name."))
        written = write_organisation(found, **_given({"name": name or None, "number": number or None,
                                                      "language": _language(values)}))
        return written.instance.number or written.instance.name, written


class Contacts(Kind):
    name = "contacts"
    key_columns = ("email",)
    columns = ("email", "organisation", "name", "phone", "language", "coordinator")
    field_columns = {"is_coordinator": "coordinator"}

    def apply(self, values):
        email = addresses.normalise(_text(values, "email"))
        if not email:
            raise RowError("email", _("Every contact needs an e-mail address."))
        found = Contact.objects.with_address(email).select_related("user").order_by("pk").first()
        reference = _text(values, "organisation")
        organisation = find_organisation(reference) if reference or found is None else None
        if found is None and not _text(values, "name"):
            raise RowError("name", _("A new contact needs a name."))
        given = _given({
            "organisation": organisation, "name": _text(values, "name") or None,
            "language": _language(values), "is_coordinator": _bool(values, "coordinator"),
        })
        if "phone" in values:
            given["phone"] = _text(values, "phone")
        if found is None:
            given["email"] = email
        return email, write_contact(found, **given)


class Agreements(Kind):
    name = "agreements"
    key_columns = ("code",)
    columns = ("code", "organisation", "catalog", "catalog_version", "package", "addons", "starts_on", "ends_on",
               "coordinator", "declared_users", "declared_customisation_lines", "target_overrides")

    def apply(self, values):
        code = _text(values, "code")
        if not code:
            raise RowError("code", _("Every agreement needs its code."))
        found = Agreement.objects.filter(code=code).select_related("catalog").first()
        reference = _text(values, "organisation")
        organisation = find_organisation(reference) if reference or found is None else None
        given: dict[str, Any] = _given({
            "organisation": organisation, "catalog": self._catalog(values, found),
            "package": _text(values, "package") or None, "starts_on": _date(values, "starts_on"),
            "declared_users": _int(values, "declared_users"),
            "declared_customisation_lines": _int(values, "declared_customisation_lines"),
        })
        if found is None:
            given["code"] = code
        if "ends_on" in values:
            given["ends_on"] = _date(values, "ends_on")
        if "coordinator" in values:
            given["coordinator"] = self._coordinator(values)
        if "target_overrides" in values:
            given["target_overrides"] = _json_list(values, "target_overrides")
        addons = parse_addons(_text(values, "addons")) if "addons" in values else None
        return code, write_agreement(found, addons=addons, **given)

    def _catalog(self, values, found: Agreement | None) -> CatalogVersion | None:
        vendor, version = _text(values, "catalog"), _text(values, "catalog_version")
        if not vendor:
            if found is None:
                raise RowError("catalog", _("Name the catalog (its vendor id, e.g. erpm)."))
            return None
        if found is not None and found.catalog.vendor == vendor and (not version or found.catalog.version == version):
            return None  # signed under this catalog: keep its version (DESIGN.md, "Catalog files")
        if (vendor, version) not in self._catalogs:
            self._catalogs[(vendor, version)] = catalog_version(vendor, version)
        catalog = self._catalogs[(vendor, version)]
        if catalog is None:
            known = ", ".join(sorted(set(CatalogVersion.objects.values_list("vendor", flat=True))))
            raise RowError("catalog_version" if version else "catalog",
                           _("No catalog %(vendor)s %(version)s; loaded: %(known)s") % {
                               "vendor": vendor, "version": version, "known": known or "-"})
        return catalog

    def _coordinator(self, values) -> Contact | None:
        email = addresses.normalise(_text(values, "coordinator"))
        if not email:
            return None
        found = Contact.objects.with_address(email).order_by("pk").first()
        if found is None:
            raise RowError("coordinator", _("No contact has the address %(email)s; import the contacts first.")
                           % {"email": email})
        return found


ADDON = re.compile(r"^\s*(?P<id>[\w.-]+)\s*(?:[=x×*]\s*(?P<quantity>\d+))?\s*(?::(?P<names>.*))?$", re.DOTALL)


def _split(text: str, separator: str) -> list[str]:
    """Split on ``separator`` where it is not escaped with a backslash; escapes stay in."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current += ["\\", char]
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current) + ("\\" if escaped else ""))
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _escape(text: str) -> str:
    return re.sub(r"([\\;|])", r"\\\1", text)


def parse_addons(text: str) -> list[AddonLine]:
    """``premium; koppeling=2: Exact Online | AFAS`` → two add-on lines. A ``;`` or ``|``
    inside a name is written ``\\;`` or ``\\|``."""
    lines = []
    for part in filter(None, (p.strip() for p in _split(text, ";"))):
        match = ADDON.match(part)
        if match is None:
            raise RowError("addons", _("%(part)r is not an add-on such as koppeling=2: Exact | AFAS") % {"part": part})
        names = tuple(_unescape(n).strip() for n in _split(match["names"] or "", "|") if n.strip())
        quantity = int(match["quantity"]) if match["quantity"] else max(1, len(names))
        lines.append(AddonLine(match["id"], quantity, names))
    return lines


def format_addons(rows) -> str:
    """The inverse of :func:`parse_addons`, for the export."""
    parts = []
    for row in sorted(rows, key=lambda r: r.addon):
        part = row.addon if row.quantity == 1 and not row.names else f"{row.addon}={row.quantity}"
        if row.names:
            part += ": " + " | ".join(_escape(n) for n in row.names)
        parts.append(part)
    return "; ".join(parts)


KINDS: dict[str, type[Kind]] = {kind.name: kind for kind in (Organisations, Contacts, Agreements)}
