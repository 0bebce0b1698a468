"""What a stored catalog version and an agreement say, parsed into the core's objects.

Plain functions over the rows' text (no queries), cached by content: the models call them
(``CatalogVersion.parsed``, ``Agreement.clean``) and so do ``catalogs`` and ``services``,
which is why they live apart from both.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from meldpunt.core.catalog import Catalog, TargetRule
from meldpunt.core.catalog_loader import parse_catalog, parse_target_rules


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=32)
def parsed_catalog(digest: str, source: str, filename: str) -> Catalog:
    return parse_catalog(source, filename)


def agreement_overrides(agreement) -> tuple[TargetRule, ...]:
    """An :class:`~meldpunt.contracts.models.Agreement`'s own targets (they beat add-ons and package); validated like a catalog's."""
    if not agreement.target_overrides:
        return ()
    catalog = agreement.catalog.parsed()
    return parse_target_rules(agreement.target_overrides, catalog.priority.levels, catalog.kinds, f"agreement {agreement.code}")
