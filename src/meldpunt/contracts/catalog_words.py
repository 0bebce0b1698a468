"""The core's refusals about a catalog and its terms, in the reader's language: a catalog file
the loader refuses (:class:`meldpunt.core.catalog.CatalogError` with a ``code``), a text that is
no target (:class:`meldpunt.core.due.TargetError`), a lookup of
what the catalog lacks (:class:`meldpunt.core.catalog.NotInCatalog`: agreement checks, the
what-if report, the ``meldpunt`` command) and the billing rules and amounts
(:class:`meldpunt.core.billing.BillingError` with a ``code``: time booking, proposals,
bookings, invoice months; a refusal an app worded itself passes as it is). No models here,
so the command uses it without a database."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from meldpunt import localformat
from meldpunt.core.billing import BillingError
from meldpunt.core.catalog import CatalogError, NotInCatalog
from meldpunt.core.due import TargetError
from meldpunt.core.marks import Words

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


BILLING_ERRORS = {
    "profile_incomplete": gettext_lazy("the invoice profile is incomplete: %(gaps)s"),
    "money": gettext_lazy("%(value)r is not an amount of money"),
    "number": gettext_lazy("%(what)s: %(text)r is not a number"),
    "negative": gettext_lazy("%(what)s: %(text)r must be zero or more"),
    "decimals": gettext_lazy("%(what)s: %(text)r has more than two decimals"),
    "unit_minutes": gettext_lazy("billing.session_unit_minutes must be 1 or more"),
    "no_minutes": gettext_lazy("a session lasts at least one minute"),
    "month": gettext_lazy("%(text)r is not a month such as 2026-10"),
    "month_year": gettext_lazy("%(text)r: the year must lie between %(first)s and %(last)s"),
    "no_entries": gettext_lazy("a time line needs at least one time entry"),
    "one_rate": gettext_lazy("a time line bills one rate; split the sessions by rate"),
    "consultant": gettext_lazy("a session of %(session)s is %(threshold)s or more: register it as a consultant "
                               "request (sales), not as a support session"),
}


#: The unit a counted add-on is priced per (catalog ``unit``); another unit reads as the catalog says.
UNIT_WORDS = {"month": gettext_lazy("month"), "integration": gettext_lazy("integration")}


def unit_words(unit: str, language: str | None = None) -> str:
    """A priced unit in ``language`` (None: the active one): "integration" → "koppeling"."""
    with translation.override(language or get_language() or "en"):
        return str(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit


def profile_gaps_words(gaps: dict) -> str:
    """``erpm: VAT number, IBAN; infor: address``: each vendor with its missing fields (lazy
    names) in the active language."""
    return "; ".join(f"{vendor}: {', '.join(str(name) for name in missing)}" for vendor, missing in gaps.items())


def billing_error_words(error: BillingError) -> str:
    """``error`` in the active language."""
    code = getattr(error, "code", None)
    if code not in BILLING_ERRORS:
        return str(error)
    params = dict(error.params)
    if code == "consultant":
        params = {"session": localformat.duration(params["minutes"]),
                  "threshold": localformat.duration(params["threshold"])}
    if code == "profile_incomplete":
        params = {"gaps": profile_gaps_words(params["gaps"])}
    return str(BILLING_ERRORS[code]) % params


TARGET_ERRORS = {
    "too_long": gettext_lazy("%(text)r is longer than any target can be (at most %(digits)s digits)"),
    "not_a_target": gettext_lazy("%(text)r is not a target like 90m, 2h, 3bd or planning"),
}


def target_error_words(error: TargetError) -> str:
    """Why a text is no target, in the active language."""
    return str(TARGET_ERRORS[error.code]) % error.params


CATALOG_ERRORS = {
    "no_preset": gettext_lazy("no preset %(name)r; presets: %(presets)s"),
    "no_file": gettext_lazy("no such file"),
    "unknown_catalog": gettext_lazy("unknown; the catalogs are %(known)s, or give the path of a .toml file"),
    "unreadable": gettext_lazy("cannot be read"),
    "not_utf8": gettext_lazy("is not UTF-8 text"),
    "table": gettext_lazy("must be a table"),
    "tables": gettext_lazy("must be an array of tables %(hint)s"),
    "required": gettext_lazy("is required"),
    "type": gettext_lazy("must be a %(names)s"),
    "names": gettext_lazy("must be text or a table of texts per language (nl, en)"),
    "amount": gettext_lazy("%(value)r is not an amount"),
    "negative_amount": gettext_lazy("must be a non-negative amount written as a string, e.g. \"195.00\""),
    "strings": gettext_lazy("must be a list of strings"),
    "unknown_value": gettext_lazy("unknown value %(value)r"),
    **{f"target_{code}": words for code, words in TARGET_ERRORS.items()},
}


def catalog_error_words(error: CatalogError) -> str:
    """``file:line: field: reason`` with the reason in the active language: a common reason by
    its code, a catalog rule's reason by its English template (marked in the core with
    ``gettext_noop``, translated here). A reason with neither (the TOML parser's) stays as
    written."""
    where = f"{error.file}:{error.line}" if error.line else error.file
    reason = error.reason
    if error.code in CATALOG_ERRORS:
        reason = (str(CATALOG_ERRORS[error.code]) % error.params).rstrip()
    elif error.template:
        reason = _(error.template) % error.params
    return f"{where}: {error.field}: {reason}"


def fact_words(value: object) -> str:
    """A fact of ``meldpunt catalog diff`` in the active language: :class:`Words` translated,
    any other value as it is written."""
    return value.word(_) if isinstance(value, Words) else str(value)
