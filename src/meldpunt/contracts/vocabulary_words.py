"""The shared words of every catalog (:mod:`meldpunt.core.vocabulary`: request kinds and
entitlements) as people read them: the core holds each name's English label, marked for
extraction; these translate it through gettext, so the Dutch lives in the project catalogue
like every other text. Package pages, the portal, reports, community pages, contact points and
refusals read their labels here. ``tickets.models.KIND_CHOICES`` is made from the same table.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from meldpunt.core.vocabulary import ENTITLEMENTS, KINDS


def _translated(table: dict[str, str], key: str, language: str | None) -> str:
    if key not in table:
        return key  # a name no table knows stays readable as it is
    if language is None:
        return gettext(table[key])
    with translation.override(language):
        return gettext(table[key])


def kind_label(kind: str, language: str | None = None) -> str:
    """A request kind ("change") as people read it in ``language`` (None: the active one)."""
    return _translated(KINDS, kind, language)


def entitlement_label(name: str, language: str | None = None) -> str:
    """An entitlement ("remote_access") as people read it in ``language`` (None: the active one)."""
    return _translated(ENTITLEMENTS, name, language)
