"""Writes and rules for catalogs and agreements (HackSoft style: plain functions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from meldpunt.contracts import addresses
from meldpunt.contracts.catalog_words import catalog_error_words, not_in_catalog_words, unit_words
from meldpunt.contracts.catalogs import newest_version
from meldpunt.contracts.models import Agreement, AgreementAddon, CatalogVersion, Contact, Organisation
from meldpunt.contracts.parsing import agreement_overrides, digest_of
from meldpunt.core.catalog import Addon, CatalogError
from meldpunt.core.catalog_loader import PRESETS, parse_catalog, preset_text


@transaction.atomic
def load_catalog_text(text: str, filename: str) -> tuple[CatalogVersion, bool]:
    """Store a catalog file as a new version unless this exact content is already stored.

    Loading goes through ``tickets.calendars.load_catalog`` (the one service for calendar
    changes), which calls this and then recomputes the calendars that changed."""
    catalog = parse_catalog(text, filename)  # raises CatalogError naming file, field, reason
    digest = digest_of(text)
    version, created = CatalogVersion.objects.get_or_create(
        vendor=catalog.id,
        digest=digest,
        defaults={"version": catalog.version, "name": catalog.name, "source": text},
    )
    return version, created


def load_presets() -> list[tuple[CatalogVersion, bool]]:
    return [load_catalog_text(preset_text(name), f"{name}.toml") for name in PRESETS]


def current_version(vendor: str) -> CatalogVersion:
    """The most recently loaded version of a vendor's catalog (for new agreements);
    :class:`CatalogVersion.DoesNotExist` when the vendor has none."""
    version = newest_version(vendor)
    if version is None:
        raise CatalogVersion.DoesNotExist(f"no catalog of vendor {vendor!r}")
    return version


#: A package's limits (catalog ``limits``) as people read them.
LIMIT_WORDS = {"users": gettext_lazy("users"), "customisation_lines": gettext_lazy("customisation lines")}


@dataclass(frozen=True)
class LimitExcess:
    limit: str
    allowed: int
    declared: int

    def __str__(self) -> str:
        """In the active language: ``users: 26 declared, package allows 25``."""
        return _("%(limit)s: %(declared)s declared, package allows %(allowed)s") % {
            "limit": LIMIT_WORDS.get(self.limit, self.limit), "declared": self.declared, "allowed": self.allowed}

    def words(self) -> dict[str, str]:
        """Both languages, for texts stored once and read in either (triage's flags)."""
        words = {}
        for language in ("en", "nl"):
            with override(language):
                words[language] = str(self)
        return words


def check_limits(agreement: Agreement) -> list[LimitExcess]:
    """Declared quantities above the package's limits (SPEC §1: a 26th user on Small)."""
    package = agreement.catalog.parsed().package(agreement.package)
    declared = {
        "users": agreement.declared_users,
        "customisation_lines": agreement.declared_customisation_lines,
    }
    return [
        LimitExcess(name, allowed, declared[name])
        for name, allowed in package.limits.items()
        if name in declared and declared[name] > allowed
    ]


def validate_agreement(agreement: Agreement) -> list[str]:
    """Problems that make an agreement unusable: unknown package, add-on without its package,
    an add-on paid per named unit that does not name exactly as many as it pays for."""
    catalog = agreement.catalog.parsed()
    problems = []
    if agreement.package not in catalog.packages:
        problems.append(_("package %(package)r is not in catalog %(catalog)s %(version)s") % {
            "package": agreement.package, "catalog": catalog.id, "version": catalog.version})
        return problems
    try:
        catalog.addon_list(agreement.addon_ids(), agreement.package)
    except KeyError as exc:
        problems.append(not_in_catalog_words(exc))
    try:
        agreement_overrides(agreement)
    except CatalogError as exc:
        problems.append(catalog_error_words(exc))
    return problems + addon_problems(agreement)


class ContactError(ValueError):
    """A contact change that cannot be made, with a message for the coordinator."""


@transaction.atomic
def add_contact(
    *, organisation: Organisation, name: str, email: str, phone: str = "", language: str = "nl",
    is_coordinator: bool = False,
) -> Contact:
    """A new contact with a login that has no password yet (see :func:`invitation_path`).

    An address another contact (of any organisation) or account already has is refused with
    one message that does not say whose it is; the database's unique index decides a race."""
    email = addresses.normalise(email)
    User = get_user_model()
    if Contact.objects.address_in_use(email) or User.objects.filter(username__iexact=email).exists():
        raise ContactError(addresses.IN_USE)
    try:
        with transaction.atomic():
            user = User(username=email, email=email)
            user.set_unusable_password()
            user.save()
            return Contact.objects.create(
                organisation=organisation, user=user, name=name.strip(), email=email, phone=phone.strip(),
                language=language, is_coordinator=is_coordinator,
            )
    except IntegrityError:  # added at the same moment by someone else
        raise ContactError(addresses.IN_USE) from None


def invitation_path(contact: Contact) -> str:
    """A one-time link where the contact sets a password (until mail invitations exist)."""
    user = contact.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("set_password", args=[uid, default_token_generator.make_token(user)])


@transaction.atomic
def set_contact_active(contact: Contact, active: bool, *, by: Contact) -> Contact:
    if contact.pk == by.pk and not active:
        raise ContactError(_("You cannot deactivate yourself."))
    if contact.user is None:
        raise ContactError(_("This contact has no login."))
    contact.user.is_active = active
    contact.user.save(update_fields=["is_active"])
    return contact


def remember_language(user, language: str) -> None:
    """Store a contact's language choice so mail and the next login use it."""
    contact = getattr(user, "contact", None) if user.is_authenticated else None
    if contact is not None and contact.language != language:
        contact.language = language
        contact.save(update_fields=["language"])


# ------------------------------------------------------------------ counted, named add-ons
def translation_language() -> str:
    return "nl" if (get_language() or "en").startswith("nl") else "en"


class AgreementError(ValueError):
    """An agreement change that cannot be made, with the reason for the member of staff."""


def named_units_problem(addon: Addon, quantity: int, names) -> str | None:
    """Why ``names`` do not fit an add-on paid per named unit (seed 004: Koppeling "€ 295 /
    maand / koppeling"): exactly ``quantity`` different, non-blank names. None: they fit, or
    the add-on does not name its units."""
    if not addon.named_units:
        return None
    language = translation_language()
    label = addon.name.get(language) or addon.name.get("en") or addon.id
    unit = unit_words(addon.unit, language)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return _("%(addon)s: the names must be a list of texts, e.g. [\"Exact Online\", \"Shopify\"].") % {"addon": label}
    given = [" ".join(n.split()) for n in names if n.strip()]
    seen: dict[str, str] = {}
    for name in given:
        if name.casefold() in seen:
            return _("%(addon)s: %(name)s is named twice; each %(unit)s paid for is named once.") % {
                "addon": label, "name": seen[name.casefold()], "unit": unit}
        seen[name.casefold()] = name
    if len(given) != quantity:
        return _("%(addon)s is paid per %(unit)s: the quantity is %(quantity)s but %(count)s are named "
                 "(%(names)s). Name exactly %(quantity)s, or change the quantity to %(count)s.") % {
            "addon": label, "unit": unit, "quantity": quantity, "count": len(given),
            "names": ", ".join(given) or "–"}
    return None


def addon_problems(agreement: Agreement) -> list[str]:
    """Each add-on of ``agreement`` whose named units do not match its quantity (the rows in
    ``loaded_addons`` when a writer set them on an agreement not saved yet, as ``addon_ids``)."""
    catalog = agreement.catalog.parsed()
    problems = []
    loaded = getattr(agreement, "loaded_addons", None)
    for row in agreement.addons.all() if loaded is None else loaded:
        addon = catalog.addons.get(row.addon)
        problem = named_units_problem(addon, row.quantity, row.names) if addon is not None else None
        if problem:
            problems.append(problem)
    return problems


@transaction.atomic
def set_addon(agreement: Agreement, addon: str, *, quantity: int = 1, names=()) -> AgreementAddon:
    """Add an add-on to ``agreement`` or change its quantity and names; refused with a clear
    reason (:class:`AgreementError`) when the catalog does not offer it with the package, or
    when an add-on paid per named unit does not name exactly as many as its quantity."""
    catalog = agreement.catalog.parsed()
    found = catalog.addons.get(addon)
    if found is None:
        raise AgreementError(_("Catalog %(catalog)s has no add-on %(addon)s; it has: %(ids)s") % {
            "catalog": catalog.id, "addon": addon, "ids": ", ".join(catalog.addons)})
    others = [a for a in agreement.addon_ids() if a != addon]
    try:
        catalog.addon_list([*others, addon], agreement.package)
    except KeyError as exc:
        raise AgreementError(not_in_catalog_words(exc)) from None
    if not isinstance(quantity, int) or quantity < 1:
        raise AgreementError(_("The quantity must be a whole number of at least 1."))
    names = [" ".join(n.split()) for n in names if isinstance(n, str) and n.strip()] if isinstance(
        names, (list, tuple)) else names
    problem = named_units_problem(found, quantity, names)
    if problem:
        raise AgreementError(problem)
    row, _created = AgreementAddon.objects.update_or_create(
        agreement=agreement, addon=addon, defaults={"quantity": quantity, "names": list(names)})
    return row
