"""Reads on contracts, scoped to who asks (HackSoft selectors: they return querysets).

Vendor staff see everything. A customer user (one with a :class:`Contact`) sees only
their own organisation; anyone else sees nothing. Callers turn "not in the queryset"
into 404, so another organisation's ids never reveal that they exist.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from meldpunt import plain_sql
from meldpunt.contracts.catalogs import stored_catalogs
from meldpunt.contracts.models import Agreement, AgreementAddon, CatalogVersion, Contact, Organisation
from meldpunt.contracts.services import named_units_problem


def is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def contact_of(user) -> Contact | None:
    """The customer contact a user logs in as, or None (staff, or an unlinked account)."""
    if not (user.is_authenticated and user.is_active):
        return None
    try:
        return user.contact
    except Contact.DoesNotExist:
        return None


def visible_catalogs(user) -> QuerySet[CatalogVersion]:
    """Catalog versions (price lists) for staff and customer contacts; nothing for others."""
    if is_staff(user) or contact_of(user) is not None:
        return CatalogVersion.objects.all()
    return CatalogVersion.objects.none()


def own_organisation(user, rows: QuerySet, organisation: str = "organisation_id", *,
                     coordinators: bool = False) -> QuerySet:
    """``rows`` as ``user`` may see them: all of them for vendor staff; for a customer contact
    those whose ``organisation`` (a lookup path) is the contact's own, and with
    ``coordinators`` only when the contact is the organisation's coordinator; none for anyone
    else. The one rule behind "a customer never sees another organisation's data"."""
    if is_staff(user):
        return rows
    contact = contact_of(user)
    if contact is None or (coordinators and not contact.is_coordinator):
        return rows.none()
    return rows.filter(**{organisation: contact.organisation_id})


def visible_agreements(user) -> QuerySet[Agreement]:
    """All agreements for staff; a customer's own organisation's agreements; else none."""
    return own_organisation(
        user, Agreement.objects.select_related("organisation", "catalog", "coordinator").prefetch_related("addons"))


def agreement_to_register(user, code: str) -> Agreement | None:
    """The agreement ``code`` if ``user`` may register requests on it (the rule of
    :func:`visible_agreements`), with what registering reads: catalog, organisation and
    add-ons (``loaded_addons``, see :meth:`Agreement.addon_ids`).

    Every API registration runs this, so it is one plain SELECT (:mod:`meldpunt.plain_sql`):
    the agreement joined with its catalog version, organisation and add-ons, a row per
    add-on. A customer's organisation is the one already loaded with their contact."""
    contact = None if is_staff(user) else contact_of(user)
    if contact is None and not is_staff(user):
        return None
    rows = _agreement_rows(code, None if contact is None else contact.organisation_id)
    if not rows:
        return None
    at = 0
    found = plain_sql.instance(Agreement, rows[0], at)
    at += plain_sql.width(Agreement)
    catalog = plain_sql.instance(CatalogVersion, rows[0], at)
    if catalog is not None:
        found.catalog = catalog
    at += plain_sql.width(CatalogVersion)
    found.organisation = plain_sql.instance(Organisation, rows[0], at) if contact is None else contact.organisation
    at += plain_sql.width(Organisation)
    found.loaded_addons = [plain_sql.instance(AgreementAddon, row, at) for row in rows if row[at] is not None]
    for addon in found.loaded_addons:
        addon.agreement = found
    return found


def _agreement_rows(code: str, organisation: int | None) -> list[tuple]:
    q = connection.ops.quote_name
    sql = (f"SELECT {plain_sql.columns(Agreement, 'a')}, {plain_sql.columns(CatalogVersion, 'v')}, "
           f"{plain_sql.columns(Organisation, 'o')}, {plain_sql.columns(AgreementAddon, 'x')} "
           f"FROM {q(Agreement._meta.db_table)} a "
           f"LEFT JOIN {q(CatalogVersion._meta.db_table)} v ON v.id = a.catalog_id "
           f"JOIN {q(Organisation._meta.db_table)} o ON o.id = a.organisation_id "
           f"LEFT JOIN {q(AgreementAddon._meta.db_table)} x ON x.agreement_id = a.id "
           f"WHERE a.code = %s")
    params: list = [code]
    if organisation is not None:
        sql += " AND a.organisation_id = %s"
        params.append(organisation)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY x.id", params)
        return cursor.fetchall()


def named_units_mismatches(agreements: QuerySet[Agreement] | None = None) -> dict[int, list[str]]:
    """Agreements (by id) whose add-ons paid per named unit (seed 004: Koppeling per
    integration) do not name exactly as many units as they pay for, with the reasons.

    Only agreements that have an add-on some catalog names the units of are read: one query
    for their add-ons, the catalogs from :func:`~meldpunt.contracts.catalogs.stored_catalogs`."""
    catalogs = {stored.pk: stored.catalog for stored in stored_catalogs()}
    named: dict[int, set[str]] = {}
    for pk, catalog in catalogs.items():
        ids = {a.id for a in catalog.addons.values() if a.named_units}
        if ids:
            named[pk] = ids
    if not named:
        return {}
    rows = AgreementAddon.objects.filter(agreement__catalog_id__in=named).select_related("agreement")
    if agreements is not None:
        rows = rows.filter(agreement__in=agreements)
    found: dict[int, list[str]] = {}
    for row in rows.order_by("agreement__code", "addon"):
        version = row.agreement.catalog_id
        if row.addon not in named[version]:
            continue
        problem = named_units_problem(catalogs[version].addons[row.addon], row.quantity, row.names)
        if problem:
            found.setdefault(row.agreement_id, []).append(problem)
    return found
