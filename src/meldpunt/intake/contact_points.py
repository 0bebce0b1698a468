"""The vendor's contact numbers and addresses as a customer or agent reads them.

Catalog data (``[[contacts]]``, :mod:`meldpunt.core.contact_points`): seed 001's support desk
and sales numbers, seed 000's licence-key address. Shown on the portal's request form and
agreement page, in the confirmation mail and on the agents' call log.
"""

from __future__ import annotations

from meldpunt.contracts.catalogs import newest_catalogs
from meldpunt.contracts.models import Agreement
from meldpunt.contracts.vocabulary_words import kind_label
from meldpunt.core.contact_points import contacts_for


def contact_lines(agreement: Agreement, language: str, kind: str | None = None) -> list[dict]:
    """The vendor's contact numbers and addresses for this agreement (and a request kind when
    given) from the catalog's ``[[contacts]]``, in ``language``: label, value, link, note and
    the kinds each is for."""
    catalog = agreement.catalog.parsed()
    return [
        {"label": point.text(language), "value": point.value, "href": point.href, "note": point.text(language, "note"),
         "channel": point.channel,
         "kinds": [kind_label(k, language) for k in catalog.kinds if point.kinds and k in point.kinds]}
        for point in contacts_for(catalog.contacts, agreement.package, agreement.addon_ids(), kind)
    ]


def vendor_contacts(language: str) -> list[dict]:
    """Each vendor's newest catalog with all its contact points (the agents' call log)."""
    found = []
    for stored in newest_catalogs():
        catalog = stored.catalog
        lines = [{"label": p.text(language), "value": p.value, "href": p.href, "note": p.text(language, "note"),
                  "kinds": [kind_label(k, language) for k in catalog.kinds if p.kinds and k in p.kinds],
                  "packages": sorted(p.packages or ()) + sorted(p.addons or ())}
                 for p in catalog.contacts]
        found.append({"vendor": catalog.name, "contacts": lines})
    return found
