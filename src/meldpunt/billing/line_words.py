"""An invoice line in the customer's words: what it is and where it comes from.

The core builds a line from facts (:class:`meldpunt.core.billing.LineDraft`); this module
words them through gettext in the invoice's language, amounts in its notation
("€ 295,00 per koppeling; naar rato 15/31 dagen"). The invoice run stores the words with
the issued line (see ``billing.services._bill_group`` for why). No models here.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meldpunt.contracts.catalog_words import unit_words
from meldpunt.core.billing import LineDraft
from meldpunt.localformat import duration, money


def line_words(draft: LineDraft, language: str) -> tuple[str, str]:
    """``(description, source)`` of a line in ``language``."""
    with translation.override(language):
        return _time(draft.facts, language) if draft.source_type == "time" else _fee(draft, language)


def _fee(draft: LineDraft, language: str) -> tuple[str, str]:
    f = draft.facts
    name = f["name"].get(language) or f["name"].get("en") or draft.item
    if f["names"]:
        name = f"{name}: {', '.join(f['names'])}"
    source = _("%(month)s (agreement %(code)s); %(price)s per %(unit)s") % {
        "month": f["month"], "code": f["code"], "price": money(f["monthly_price"], f["currency"], language),
        "unit": unit_words(f["unit"], language)}
    if f["days"] < f["month_days"]:
        source += "; " + _("pro rata %(days)s/%(of)s days") % {"days": f["days"], "of": f["month_days"]}
    return name, source


def _time(f, language: str) -> tuple[str, str]:
    n = len(f["entries"])
    words = {"n": n, "billed": duration(f["billed"], language), "worked": duration(f["worked"], language),
             "ids": ", ".join(f"#{pk}" for pk in f["entries"])}
    source = "; ".join([
        ngettext("%(n)s time entry, %(billed)s billed (%(worked)s worked)",
                 "%(n)s time entries, %(billed)s billed (%(worked)s worked)", n) % words,
        ngettext("time entry %(ids)s", "time entries %(ids)s", n) % words,
    ])
    description = _("Ticket #%(number)s: %(subject)s") % {"number": f["number"], "subject": f["subject"]}
    return description[:300], source
