"""An invoice line's words come from the billing app, in the customer's language (issue 21):
the core keeps facts only (tests/core/test_billing.py)."""

from datetime import date
from decimal import Decimal

from meldpunt.billing.line_words import line_words
from meldpunt.core.billing import FeeItem, Month, Session, fee_lines, time_line

RATE = Decimal("120.00")
KOPPELING = FeeItem("addon", "koppeling", {"nl": "PrioritySupport Koppeling", "en": "PrioritySupport Integration"},
                    Decimal("295.00"), 3, "integration", ("Exact Online", "Shopify", "PostNL"))


def test_a_fee_line_says_what_it_bills_per_unit_in_each_language():
    [line] = fee_lines([KOPPELING], month=Month(2026, 10), code="ERPM-1", starts_on=date(2026, 1, 1), ends_on=None)
    assert line_words(line, "en") == ("PrioritySupport Integration: Exact Online, Shopify, PostNL",
                                      "2026-10 (agreement ERPM-1); €295.00 per integration")
    assert line_words(line, "nl") == ("PrioritySupport Koppeling: Exact Online, Shopify, PostNL",
                                      "2026-10 (overeenkomst ERPM-1); € 295,00 per koppeling")


def test_a_part_month_line_names_the_days_in_the_customers_language():
    [line] = fee_lines([KOPPELING], month=Month(2026, 10), code="ERPM-1", starts_on=date(2026, 10, 17), ends_on=None)
    assert line_words(line, "nl")[1].endswith("; naar rato 15/31 dagen")
    assert line_words(line, "en")[1].endswith("; pro rata 15/31 days")


def test_a_time_line_names_its_entries_in_each_language():
    two = time_line(42, "Report is slow", [Session(7, 1, 30, RATE, Decimal("60.00")), Session(9, 31, 60, RATE, Decimal("120.00"))])
    assert line_words(two, "en") == ("Ticket #42: Report is slow",
                                     "2 time entries, 1 h 30 min billed (32 min worked); time entries #7, #9")
    one = time_line(5, "Rapport", [Session(3, 75, 90, RATE, Decimal("180.00"))])
    assert line_words(one, "nl") == ("Melding #5: Rapport",
                                     "1 tijdboeking, 1 u 30 min gefactureerd (1 u 15 min gewerkt); tijdboeking #3")
