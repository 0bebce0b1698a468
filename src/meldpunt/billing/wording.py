"""How a billed session reads, in the reader's language: "31 min worked, billed as 1 h
(rounded up to whole 30-minute units) at € 120,00/h = € 120,00".

The core prices a session and returns facts (:class:`meldpunt.core.billing.BilledSession`);
the time entry keeps those facts in its columns (minutes, billed minutes, unit, rate,
amount) and this module words them when they are read, so an agent reading Dutch and a
customer reading English see the same entry each in their own words. No models here.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from meldpunt.localformat import duration, money


def session_words(*, minutes: int, billed_minutes: int, unit_minutes: int, rate: Decimal | None, amount: Decimal,
                  currency: str = "EUR", language: str | None = None) -> str:
    """Why a billable session costs what it costs, in ``language`` (None: the active one)."""
    language = (language or translation.get_language() or "en")[:2]
    with translation.override(language):
        params = {"worked": duration(minutes, language), "billed": duration(billed_minutes, language),
                  "unit": unit_minutes, "rate": money(rate, currency, language),
                  "amount": money(amount, currency, language)}
        if unit_minutes > 1:
            return _("%(worked)s worked, billed as %(billed)s (rounded up to whole %(unit)s-minute units) "
                     "at %(rate)s/h = %(amount)s") % params
        return _("%(worked)s worked and billed at %(rate)s/h = %(amount)s") % params


def entry_words(entry, currency: str = "EUR", language: str | None = None) -> str:
    """A time entry's explanation in ``language``; "" for time the contract covers."""
    if not entry.billable:
        return ""
    return session_words(minutes=entry.minutes, billed_minutes=entry.billed_minutes, unit_minutes=entry.unit_minutes,
                         rate=entry.rate, amount=entry.amount, currency=currency, language=language)
