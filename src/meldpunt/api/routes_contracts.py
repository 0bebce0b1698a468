"""/api/catalogs and /api/agreements: what a vendor offers and what a customer bought."""

from __future__ import annotations

from typing import Annotated

from ninja import Path, Router

from meldpunt.api.errors import NotFound
from meldpunt.api.schemas import MAX_DB_ID, AgreementOut, CatalogOut, ErrorOut
from meldpunt.contracts.hours_words import describe_hours
from meldpunt.contracts.models import Agreement, CatalogVersion
from meldpunt.contracts.selectors import visible_agreements, visible_catalogs
from meldpunt.contracts.services import check_limits, validate_agreement

router = Router(tags=["contracts"])
Id = Annotated[int, Path(ge=1, le=MAX_DB_ID)]


@router.get("/catalogs", response=list[CatalogOut], summary="Catalog versions with packages, add-ons, calendars")
def list_catalogs(request):
    return [catalog_out(version) for version in visible_catalogs(request.auth)]


@router.get("/catalogs/{catalog_id}", response={200: CatalogOut, 404: ErrorOut})
def get_catalog(request, catalog_id: Id):
    version = visible_catalogs(request.auth).filter(pk=catalog_id).first()
    if version is None:
        raise NotFound(f"catalog {catalog_id}")
    return catalog_out(version)


@router.get("/agreements", response=list[AgreementOut], summary="Agreements the caller may see")
def list_agreements(request):
    return [agreement_out(agreement) for agreement in visible_agreements(request.auth)]


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, 404: ErrorOut})
def get_agreement(request, agreement_id: Id):
    agreement = visible_agreements(request.auth).filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound(f"agreement {agreement_id}")
    return agreement_out(agreement)


def catalog_out(version: CatalogVersion) -> dict:
    catalog = version.parsed()
    scheme = catalog.priority
    matrix: dict[str, dict[str, str]] = {}
    for (impact, urgency), level in scheme.matrix.items():
        matrix.setdefault(impact, {})[urgency] = level
    return {
        "id": version.pk, "vendor": version.vendor, "version": version.version, "name": version.name,
        "currency": catalog.currency, "loaded_at": version.loaded_at, "kinds": list(catalog.kinds),
        "packages": [
            {
                "id": p.id, "name": dict(p.name), "monthly_price": str(p.monthly_price), "includes": p.includes,
                "calendar": p.calendar, "limits": dict(p.limits),
                "entitlements": sorted(p.entitlements), "covers": sorted(p.covers),
            }
            for p in catalog.packages.values()
        ],
        "addons": [
            {
                "id": a.id, "name": dict(a.name), "monthly_price": str(a.monthly_price), "unit": a.unit,
                "requires": sorted(a.requires), "entitlements": sorted(a.entitlements), "removes": sorted(a.removes),
            }
            for a in catalog.addons.values()
        ],
        "calendars": [
            {
                "id": c.id, "name": dict(c.name), "timezone": c.timezone,
                "description": {lang: describe_hours(c.weekly, c.holiday_set, lang) for lang in ("en", "nl")},
            }
            for c in catalog.calendars.values()
        ],
        "priority": {
            "scheme": scheme.scheme, "levels": list(scheme.levels), "default": scheme.default,
            "fixed": dict(scheme.fixed), "impacts": list(scheme.impacts), "urgencies": list(scheme.urgencies),
            "matrix": matrix, "labels": {level: dict(names) for level, names in scheme.labels.items()},
        },
    }


def agreement_out(agreement: Agreement) -> dict:
    catalog = agreement.catalog.parsed()
    addons = list(agreement.addons.all())
    problems = validate_agreement(agreement)
    package = catalog.packages.get(agreement.package)
    try:
        entitlements = sorted(catalog.entitlements(agreement.package, [a.addon for a in addons]))
    except KeyError:  # unknown package or add-on: named in ``problems``
        entitlements = []
    return {
        "id": agreement.pk,
        "code": agreement.code,
        "organisation": {"id": agreement.organisation_id, "name": agreement.organisation.name},
        "catalog": {"id": agreement.catalog_id, "vendor": agreement.catalog.vendor, "version": agreement.catalog.version},
        "package": {"id": agreement.package, "name": dict(package.name) if package else {}},
        "coordinator": {"id": agreement.coordinator.pk, "name": agreement.coordinator.name} if agreement.coordinator else None,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "declared_users": agreement.declared_users,
        "declared_customisation_lines": agreement.declared_customisation_lines,
        "addons": [
            {
                "addon": item.addon, "quantity": item.quantity, "names": [str(n) for n in item.names or []],
                "name": dict(catalog.addons[item.addon].name) if item.addon in catalog.addons else {},
            }
            for item in addons
        ],
        "limit_excesses": [
            {"limit": e.limit, "allowed": e.allowed, "declared": e.declared, "message": str(e)}
            for e in (check_limits(agreement) if package else [])
        ],
        "entitlements": entitlements,
        "problems": problems,
    }
