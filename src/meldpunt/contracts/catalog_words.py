"""A catalog's refusal to look something up (:class:`meldpunt.core.catalog.NotInCatalog`) in
the reader's language: agreement checks, the what-if report, the ``meldpunt`` command. No
models here, so the command uses it without a database."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meldpunt.core.catalog import NotInCatalog

NOT_IN_CATALOG = {
    "package": gettext_lazy("catalog %(catalog)s has no package %(package)r; packages: %(packages)s"),
    "addon": gettext_lazy("catalog %(catalog)s has no add-on %(addon)r; add-ons: %(addons)s"),
    "addon_package": gettext_lazy("add-on %(addon)s needs one of the packages %(packages)s"),
    "calendar": gettext_lazy("catalog %(catalog)s has no calendar %(calendar)r; calendars: %(calendars)s"),
}


def not_in_catalog_words(error: KeyError) -> str:
    """What the catalog lacks, in the active language (another KeyError: its own text)."""
    if isinstance(error, NotInCatalog) and error.code in NOT_IN_CATALOG:
        return str(NOT_IN_CATALOG[error.code]) % {key: value or _("none") for key, value in error.params.items()}
    return str(error.args[0]) if error.args else str(error)
