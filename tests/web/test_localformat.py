"""Numbers, money and dates in the reader's notation (issue 21 item 1): one helper for pages,
mail and PDFs, and English that reads British wherever Django formats a date."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import formats, translation

from meldpunt import localformat


def test_money_numbers_and_days_per_language():
    assert localformat.money(Decimal("125"), "EUR", "nl") == "€ 125,00"
    assert localformat.money(Decimal("1234.5"), "EUR", "en") == "€1,234.50"
    assert localformat.money(Decimal("-2.5"), "USD", "nl") == "-$ 2,50"
    assert localformat.number(Decimal("2"), 2, "nl") == "2,00" and localformat.number(Decimal("2"), 2, "en") == "2.00"
    assert localformat.number(Decimal("1234.5"), 1, "nl") == "1.234,5"
    assert localformat.day(date(2027, 1, 5), "nl") == "5 januari 2027"
    assert localformat.day(date(2027, 1, 5), "en") == "5 January 2027"
    assert localformat.month_words(date(2026, 10, 1), "nl") == "oktober 2026"
    amsterdam = datetime(2027, 1, 5, 13, 30, tzinfo=ZoneInfo("UTC"))
    assert localformat.moment(amsterdam, "en") == "Tuesday 5 January 2027 14:30"
    assert localformat.moment(amsterdam, "nl") == "dinsdag 5 januari 2027 14:30"
    assert localformat.money(None) == "–" and localformat.day(None) == "–"


def test_money_quantities_and_durations_come_from_djangos_localisation_and_the_catalogue():
    assert localformat.money(Decimal("2225"), "EUR", "nl") == "€ 2.225,00"
    assert localformat.money(Decimal("2225"), "EUR", "en") == "€2,225.00"
    assert localformat.money(Decimal("-12.5"), "CHF", "en") == "-CHF 12.50"
    assert localformat.money(Decimal("0.005"), "EUR", "nl") == "€ 0,01"  # rounded half up to cents
    assert localformat.quantity(Decimal("3.00"), "nl") == "3" and localformat.quantity(Decimal("1.50"), "nl") == "1,50"
    assert localformat.quantity(Decimal("1.50"), "en") == "1.50"
    assert [localformat.duration(m, "nl") for m in (45, 120, 90)] == ["45 min", "2 u", "1 u 30 min"]
    assert [localformat.duration(m, "en") for m in (45, 120, 90)] == ["45 min", "2 h", "1 h 30 min"]
    with translation.override("nl"):
        assert localformat.duration(240) == "4 u"  # no language: the active one


def test_english_dates_read_british_not_american():
    with translation.override("en"):
        assert formats.date_format(date(2027, 1, 5)) == "5 January 2027"
        assert formats.date_format(datetime(2027, 1, 5, 14, 30), "DATETIME_FORMAT") == "5 January 2027 14:30"
        assert formats.date_format(date(2027, 1, 5), "SHORT_DATE_FORMAT") == "05/01/2027"


def test_template_filters_follow_the_active_language():
    template = Template('{% load localformat %}{{ amount|money:"EUR" }} · {{ hours|number }} · {{ when|day }}')
    context = Context({"amount": Decimal("125"), "hours": Decimal("2"), "when": date(2027, 1, 5)})
    with translation.override("nl"):
        assert template.render(context) == "€ 125,00 · 2,00 · 5 januari 2027"
    with translation.override("en"):
        assert template.render(context) == "€125.00 · 2.00 · 5 January 2027"


def test_short_days_and_moments_write_dutch_months_in_lower_case():
    """Issue 21: Django's "M" gave Dutch pages "7 Dec"; the compact form follows the language."""
    at = datetime(2026, 12, 7, 13, 30, tzinfo=ZoneInfo("UTC"))  # 14:30 in Amsterdam
    assert localformat.short(at, "j M Y H:i", "nl") == "7 dec 2026 14:30"
    assert localformat.short(at, "j M Y H:i", "en") == "7 Dec 2026 14:30"
    assert localformat.short(at, "D j M H:i", "nl") == "ma 7 dec 14:30"
    assert localformat.short(at, "D j M H:i", "en") == "Mon 7 Dec 14:30"
    assert localformat.short(date(2027, 3, 2), "j M Y", "nl") == "2 mrt 2027"
    assert localformat.short(None) == "–"
    with translation.override("nl"):
        assert Template('{% load localformat %}{{ at|short:"j M H:i" }}').render(Context({"at": at})) == "7 dec 14:30"
