"""Writes and rules for catalogs and agreements (HackSoft style: plain functions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from meldpunt.contracts.catalogs import digest_of
from meldpunt.contracts.models import Agreement, CatalogVersion
from meldpunt.core.catalog import CatalogError, TargetRule
from meldpunt.core.catalog_loader import PRESETS, parse_catalog, parse_target_rules, preset_text


@transaction.atomic
def load_catalog_text(text: str, filename: str) -> tuple[CatalogVersion, bool]:
    """Store a catalog file as a new version unless this exact content is already stored."""
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
    """The most recently loaded version of a vendor's catalog (for new agreements)."""
    return CatalogVersion.objects.filter(vendor=vendor).latest("loaded_at", "id")


def agreement_overrides(agreement: Agreement) -> tuple[TargetRule, ...]:
    """The agreement's own targets (they beat add-ons and package); validated like a catalog's."""
    if not agreement.target_overrides:
        return ()
    catalog = agreement.catalog.parsed()
    return parse_target_rules(agreement.target_overrides, catalog.priority.levels, catalog.kinds, f"agreement {agreement.code}")


@dataclass(frozen=True)
class LimitExcess:
    limit: str
    allowed: int
    declared: int

    def __str__(self) -> str:
        return f"{self.limit}: {self.declared} declared, package allows {self.allowed}"


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
    """Problems that make an agreement unusable: unknown package, add-on without its package."""
    catalog = agreement.catalog.parsed()
    problems = []
    if agreement.package not in catalog.packages:
        problems.append(f"package {agreement.package!r} is not in catalog {catalog.id} {catalog.version}")
        return problems
    try:
        catalog.addon_list(agreement.addon_ids(), agreement.package)
    except KeyError as exc:
        problems.append(str(exc.args[0]))
    try:
        agreement_overrides(agreement)
    except CatalogError as exc:
        problems.append(str(exc))
    return problems

