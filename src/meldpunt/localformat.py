"""Numbers, money and dates in the reader's notation, the one helper for pages, mail and PDFs.

Dutch: ``€ 125,00``, ``2,00``, ``5 januari 2027``; English (British): ``€125.00``, ``2.00``,
``5 January 2027``. ``language`` is the reader's ("nl"/"en"; None: the active language).
Django's localisation does the numbers and dates (``FORMAT_MODULE_PATH`` makes English
British, :mod:`meldpunt.formats`); where a currency's symbol stands and how an hour is
abbreviated are the reader's conventions, so they are catalogue texts (gettext).

Templates load it as ``{% load localformat %}`` (registered in settings): ``{{ amount|money:"EUR" }}``,
``{{ hours|number }}``, ``{{ day|day }}``, ``{{ moment|moment }}``, ``{{ moment|short:"j M H:i" }}``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, pgettext

from meldpunt.core.billing import money as rounded

register = template.Library()


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en")[:2]


#: Currencies written with their symbol; another reads by its code (``CHF 12,50``).
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


@register.filter
def money(value: Decimal | int | str | None, currency: str = "EUR", language: str | None = None) -> str:
    """``€ 1.234,50`` / ``€1,234.50``, rounded to cents; other currencies by their code. None reads "–"."""
    if value is None or value == "":
        return "–"
    amount = rounded(Decimal(str(value)))
    currency = currency or "EUR"
    with translation.override(_language(language)):
        digits = formats.number_format(abs(amount), 2, use_l10n=True, force_grouping=True)
        symbol = SYMBOLS.get(currency)
        if symbol is None:
            text = pgettext("money with a currency code", "%(code)s %(amount)s") % {"code": currency, "amount": digits}
        else:
            text = pgettext("money with a currency symbol", "%(symbol)s%(amount)s") % {"symbol": symbol, "amount": digits}
    return f"-{text}" if amount < 0 else text


def quantity(value: Decimal, language: str | None = None) -> str:
    """An invoice line's quantity: ``3`` rather than ``3,00``; ``1,50`` / ``1.50``."""
    whole = value == value.to_integral_value()
    with translation.override(_language(language)):
        return formats.number_format(value, 0 if whole else 2, use_l10n=True, force_grouping=True)


def duration(minutes: int, language: str | None = None) -> str:
    """``1 h 30 min`` / ``1 u 30 min``, ``45 min``, ``2 h``."""
    hours, rest = divmod(minutes, 60)
    with translation.override(_language(language)):
        if not hours:
            return gettext("%(minutes)s min") % {"minutes": rest}
        if not rest:
            return gettext("%(hours)s h") % {"hours": hours}
        return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}


@register.filter
def number(value: Decimal | float | int | None, decimals: int = 2, language: str | None = None) -> str:
    """``2,00`` / ``2.00``, thousands grouped (``1.234,5``); None reads "–"."""
    if value is None or value == "":
        return "–"
    with translation.override(_language(language)):
        return formats.number_format(value, int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def day(value: date | datetime | None, language: str | None = None) -> str:
    """``5 januari 2027`` / ``5 January 2027``."""
    if value is None:
        return "–"
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override(_language(language)):
        return formats.date_format(value, "DATE_FORMAT")


@register.filter
def moment(value: datetime | None, language: str | None = None) -> str:
    """``dinsdag 5 januari 2027 14:30`` / ``Tuesday 5 January 2027 14:30`` (local time)."""
    if value is None:
        return "–"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override(_language(language)):
        return formats.date_format(value, "l j F Y H:i")


@register.filter
def short(value: date | datetime | None, pattern: str = "j M Y H:i", language: str | None = None) -> str:
    """A compact day or moment from a Django date pattern (local time): ``7 Dec 2026 14:30`` /
    ``7 dec 2026 14:30``, ``Mon 7 Dec`` / ``ma 7 dec``. Django's ``M`` capitalises every
    language's month abbreviation; Dutch writes them in lower case (``b``)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    language = _language(language)
    with translation.override(language):
        return formats.date_format(value, pattern.replace("M", "b") if language == "nl" else pattern)


def zoned_moment(value: datetime, language: str | None = None) -> str:
    """Like :func:`moment`, but in the moment's own time zone (a calendar's, which may not be
    the site's): ``maandag 30 november 2026 09:00`` / ``Monday 30 November 2026 09:00``."""
    with translation.override(_language(language)):
        return formats.date_format(value, "l j F Y H:i")


def weekday_day(value: date, language: str | None = None) -> str:
    """A day with its weekday: ``vrijdag 25 december 2026`` / ``Friday 25 December 2026``."""
    with translation.override(_language(language)):
        return formats.date_format(value, "l j F Y")


def month_words(value: date, language: str | None = None) -> str:
    """``oktober 2026`` / ``October 2026``."""
    with translation.override(_language(language)):
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
