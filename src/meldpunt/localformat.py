"""Numbers, money and dates in the reader's notation, the one helper for pages, mail and PDFs.

Dutch: ``€ 125,00``, ``2,00``, ``5 januari 2027``; English (British): ``€125.00``, ``2.00``,
``5 January 2027``. ``language`` is the reader's ("nl"/"en"; None: the active language).
Django's localisation does the numbers and dates (``FORMAT_MODULE_PATH`` makes English
British, :mod:`meldpunt.formats`); money is :func:`meldpunt.core.billing.format_money`.

Templates load it as ``{% load localformat %}`` (registered in settings): ``{{ amount|money:"EUR" }}``,
``{{ hours|number }}``, ``{{ day|day }}``, ``{{ moment|moment }}``, ``{{ moment|short:"j M H:i" }}``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import formats, timezone, translation

from meldpunt.core.billing import format_money

register = template.Library()


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "en")[:2]


@register.filter
def money(value: Decimal | int | str | None, currency: str = "EUR", language: str | None = None) -> str:
    """``€ 1.234,50`` / ``€1,234.50``; other currencies by their code. None reads "–"."""
    if value is None or value == "":
        return "–"
    return format_money(Decimal(str(value)), currency or "EUR", _language(language))


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
