"""Reads on contracts, scoped to who asks (HackSoft selectors: they return querysets).

Vendor staff see everything. A customer user (one with a :class:`Contact`) sees only
their own organisation; anyone else sees nothing. Callers turn "not in the queryset"
into 404, so another organisation's ids never reveal that they exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from meldpunt.contracts.models import Agreement, AgreementAddon, CatalogVersion, Contact
from meldpunt.prepared import PreparedQuery


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


#: What registering reads of an agreement, compiled once (the API's hot path): one join and
#: no ordering. For a customer the lookup carries the rule of :func:`own_organisation`.
_AGREEMENT_FOR_STAFF = PreparedQuery(
    lambda code: Agreement.objects.select_related("organisation", "catalog").filter(code=code)[:1], code=str)
_AGREEMENT_OF_ORGANISATION = PreparedQuery(
    lambda code, organisation: Agreement.objects.select_related("catalog")
    .filter(code=code, organisation_id=organisation)[:1],
    code=str, organisation=int,
)
_ADDONS = PreparedQuery(lambda agreement: AgreementAddon.objects.filter(agreement_id=agreement), agreement=int)


def agreement_to_register(user, code: str) -> Agreement | None:
    """The agreement ``code`` if ``user`` may register requests on it (the rule of
    :func:`visible_agreements`), with what registering reads: catalog and add-ons.

    The add-ons come in one plain query (half the cost of ``prefetch_related``); a
    customer's organisation is the one already loaded with their contact."""
    if is_staff(user):
        found = _AGREEMENT_FOR_STAFF.first(code=code)
    else:
        contact = contact_of(user)
        if contact is None:
            return None
        found = _AGREEMENT_OF_ORGANISATION.first(code=code, organisation=contact.organisation_id)
        if found is not None:
            found.organisation = contact.organisation
    if found is None:
        return None
    # What prefetch_related("addons") leaves behind: agreement.addons.all() asks nothing more.
    # Its filter is deferred as the related manager defers it: built only if someone chains on.
    addons = AgreementAddon.objects.all()
    addons._defer_next_filter = True
    addons = addons.filter(agreement_id=found.pk)
    addons._result_cache = _ADDONS.all(agreement=found.pk)
    found._prefetched_objects_cache = {"addons": addons}
    return found
