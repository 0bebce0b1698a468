"""Create, change and end organisations, contacts and agreements (issue 22).

The one write path of the import (:mod:`meldpunt.transfer`) and the write API: the rules are
the models' own ``clean()`` and constraints (what the admin's forms run), :func:`add_contact`
for a new contact with its login, and :func:`validate_agreement` for add-ons, so a row the
admin would refuse is refused here with the same words. Failures raise Django's
``ValidationError`` with a message per field; nothing is written then.

Each write returns :class:`Written`: whether it created the row and which fields it changed;
a write that changes nothing writes nothing (this is what makes a second import a no-op).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meldpunt.contracts import addresses
from meldpunt.contracts.models import Agreement, AgreementAddon, CatalogVersion, Contact, Organisation
from meldpunt.contracts.services import ContactError, add_contact, check_limits, validate_agreement

ORGANISATION_FIELDS = ("name", "number", "language")
CONTACT_FIELDS = ("organisation", "name", "email", "phone", "language", "is_coordinator")
AGREEMENT_FIELDS = (
    "code", "organisation", "catalog", "package", "coordinator", "starts_on", "ends_on",
    "declared_users", "declared_customisation_lines", "target_overrides",
)
RELATIONS = ("organisation", "catalog", "coordinator")


@dataclass(frozen=True)
class AddonLine:
    """One add-on of an agreement: its catalog id, how many, and the named items (integrations)."""

    addon: str
    quantity: int = 1
    names: tuple[str, ...] = ()


@dataclass
class Written:
    instance: Any
    created: bool
    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return "created" if self.created else "changed" if self.changed else "unchanged"


def _apply(instance, values: Mapping[str, Any], allowed: Sequence[str]) -> list[str]:
    """Set the values that differ; the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if name not in allowed:
            raise ValueError(f"unknown field {name!r}")
        if isinstance(value, str):
            value = value.strip()
        current = getattr(instance, f"{name}_id") if name in RELATIONS else getattr(instance, name)
        new = (value.pk if value is not None else None) if name in RELATIONS else value
        if current != new:
            setattr(instance, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def write_organisation(organisation: Organisation | None = None, **values: Any) -> Written:
    """Create an organisation (``organisation=None``) or change the given fields of one."""
    created = organisation is None
    organisation = organisation or Organisation()
    changed = _apply(organisation, values, ORGANISATION_FIELDS)
    if created or changed:
        organisation.full_clean()
        organisation.save()
    return Written(organisation, created, [] if created else changed)


@transaction.atomic
def write_contact(contact: Contact | None = None, **values: Any) -> Written:
    """Create a contact with a login that has no password yet, or change one.

    An address is a contact's own (:mod:`meldpunt.contracts.addresses`): a changed address is
    checked like a new one, and the login's user name follows it."""
    if "email" in values:
        values["email"] = addresses.normalise(values["email"] or "")
    if contact is None:
        probe = Contact(**{"phone": "", "language": "nl", "is_coordinator": False, **values})
        probe.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
        try:
            created = add_contact(**{name: getattr(probe, name) for name in CONTACT_FIELDS})
        except ContactError as exc:
            raise ValidationError({"email": str(exc)}) from None
        return Written(created, True)
    old_address = contact.email
    changed = _apply(contact, values, CONTACT_FIELDS)
    if not changed:
        return Written(contact, False)
    contact.full_clean(exclude=["user"])
    user = contact.user
    if "email" in changed and user is not None:
        User = get_user_model()
        if User.objects.filter(username__iexact=contact.email).exclude(pk=user.pk).exists():
            raise ValidationError({"email": addresses.IN_USE})
        if user.username.lower() == old_address:
            user.username = contact.email
        user.email = contact.email
        user.save(update_fields=["username", "email"])
    contact.save()
    return Written(contact, False, changed)


@transaction.atomic
def end_contact(contact: Contact) -> Written:
    """A contact who left: their login stops working; their requests and history stay."""
    user = contact.user
    if user is None or not user.is_active:
        return Written(contact, False)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return Written(contact, False, ["active"])


@transaction.atomic
def write_agreement(agreement: Agreement | None = None, *, addons: Sequence[AddonLine] | None = None,
                    **values: Any) -> Written:
    """Create or change an agreement and (when ``addons`` is given) replace its add-ons.

    Refused with the admin's rules: ``Agreement.clean`` (package in the catalog version,
    readable target overrides, period, coordinator of the organisation),
    ``AgreementAddon.clean`` (quantity, named items) and :func:`validate_agreement` (add-ons
    the catalog has and the package allows). Limits above the package's are written with a
    warning, as the admin does."""
    created = agreement is None
    agreement = agreement or Agreement()
    changed = _apply(agreement, values, AGREEMENT_FIELDS)
    lines = None
    if addons is not None:
        lines = _addon_rows(addons)
        if created or _addon_key(lines) != _addon_key(list(agreement.addons.all())):
            changed.append("addons")
        else:
            lines = None
    if not created and not changed:
        return Written(agreement, False)
    agreement.full_clean()
    if lines is not None or created:
        agreement.loaded_addons = lines or []
    problems = validate_agreement(agreement)
    if problems:
        raise ValidationError({"addons" if lines is not None else NON_FIELD_ERRORS: problems})
    agreement.save()
    if lines is not None:
        agreement.addons.exclude(addon__in=[line.addon for line in lines]).delete()
        for line in lines:
            AgreementAddon.objects.update_or_create(
                agreement=agreement, addon=line.addon, defaults={"quantity": line.quantity, "names": line.names},
            )
    if hasattr(agreement, "loaded_addons"):
        del agreement.loaded_addons
    warnings = [_("Limit exceeded: %(excess)s") % {"excess": e} for e in check_limits(agreement)]
    return Written(agreement, created, [] if created else changed, warnings)


def end_agreement(agreement: Agreement, on: date) -> Written:
    """End an agreement on ``on`` (its last day); the history stays."""
    return write_agreement(agreement, ends_on=on)


@transaction.atomic
def end_organisation(organisation: Organisation, on: date) -> Written:
    """A customer who leaves: every agreement still running after ``on`` ends then (or on
    its first day, for one that had not started), and every contact's login stops."""
    changed = []
    for agreement in organisation.agreements.all():
        if agreement.ends_on is None or agreement.ends_on > on:
            end_agreement(agreement, max(on, agreement.starts_on))
            changed.append(f"agreement {agreement.code}")
    for contact in organisation.contacts.select_related("user"):
        if end_contact(contact).changed:
            changed.append(f"contact {contact.email}")
    return Written(organisation, False, changed)


def catalog_version(vendor: str, version: str = "") -> CatalogVersion | None:
    """The catalog version a new agreement is signed under: the vendor's latest, or a named one."""
    versions = CatalogVersion.objects.filter(vendor=vendor)
    if version:
        versions = versions.filter(version=version)
    return versions.order_by("-loaded_at", "-id").first()


def _addon_rows(addons: Sequence[AddonLine]) -> list[AgreementAddon]:
    rows, errors, seen = [], [], set()
    for line in addons:
        if line.addon in seen:
            errors.append(_("Add-on %(addon)s is named twice.") % {"addon": line.addon})
            continue
        seen.add(line.addon)
        row = AgreementAddon(addon=line.addon, quantity=line.quantity, names=[n.strip() for n in line.names])
        try:
            row.full_clean(exclude=["agreement"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors += [f"{line.addon}: {message}" for messages in exc.message_dict.values() for message in messages]
        rows.append(row)
    if errors:
        raise ValidationError({"addons": errors})
    return rows


def _addon_key(rows) -> list[tuple]:
    return sorted((row.addon, row.quantity, tuple(row.names or ())) for row in rows)
