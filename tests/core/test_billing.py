"""The billing rules without a database: rounding, the 4-hour rule, pro rata, lines, VAT."""

from datetime import date
from decimal import Decimal

import pytest

from meldpunt.core.billing import (
    BillingError,
    BudgetState,
    ConsultantRequestRequired,
    FeeItem,
    Month,
    Session,
    SessionRules,
    active_days,
    bill_session,
    fee_lines,
    money,
    parse_amount,
    pro_rata,
    round_up_minutes,
    time_line,
    totals,
)
from meldpunt.core.catalog_loader import load_catalog

INVANTIVE = SessionRules(unit_minutes=30, consultant_threshold_minutes=240, hourly_rate=Decimal("120.00"))
RATE = Decimal("120.00")


# ------------------------------------------------------------------ rounding
@pytest.mark.parametrize(("worked", "billed"), [(1, 30), (29, 30), (30, 30), (31, 60), (60, 60), (61, 90), (239, 240)])
def test_a_session_is_billed_in_whole_30_minute_units_rounded_up(worked, billed):
    assert round_up_minutes(worked, 30) == billed


def test_one_minute_bills_half_an_hour_and_31_minutes_bill_an_hour():
    assert bill_session(1, RATE, INVANTIVE).billed_minutes == 30
    assert bill_session(1, RATE, INVANTIVE).amount == Decimal("60.00")
    assert bill_session(31, RATE, INVANTIVE).billed_minutes == 60
    assert bill_session(31, RATE, INVANTIVE).amount == Decimal("120.00")


def test_a_session_keeps_the_unit_it_was_rounded_to_for_its_explanation():
    session = bill_session(31, RATE, INVANTIVE)
    assert (session.minutes, session.billed_minutes, session.unit_minutes) == (31, 60, 30)
    assert bill_session(31, RATE, SessionRules()).unit_minutes == 1


def test_without_a_session_unit_minutes_are_billed_as_worked():
    session = bill_session(31, Decimal("90.00"), SessionRules())
    assert session.billed_minutes == 31
    assert session.amount == Decimal("46.50")  # 31 × 90 / 60 = 46.50


def test_a_session_of_zero_minutes_is_refused():
    with pytest.raises(BillingError):
        round_up_minutes(0, 30)


# ------------------------------------------------------------- 4-hour rule
def test_a_session_of_four_hours_must_become_a_consultant_request():
    with pytest.raises(ConsultantRequestRequired, match="4 h or more: register it as a consultant request"):
        bill_session(240, RATE, INVANTIVE)


def test_a_session_just_under_four_hours_is_billed_at_four_hours():
    assert bill_session(239, RATE, INVANTIVE).billed_minutes == 240


def test_work_on_the_consultant_request_itself_is_not_refused():
    assert bill_session(300, RATE, INVANTIVE, kind="consultant").billed_minutes == 300


def test_the_invantive_catalog_carries_the_session_rules():
    rules = SessionRules.from_catalog(load_catalog("invantive").billing)
    assert (rules.unit_minutes, rules.consultant_threshold_minutes) == (30, 240)
    erpm = SessionRules.from_catalog(load_catalog("erpm").billing)
    assert (erpm.unit_minutes, erpm.consultant_threshold_minutes) == (1, None)


# -------------------------------------------------------------------- money
def test_money_rounds_half_up_to_cents():
    assert money(Decimal("2.005")) == Decimal("2.01")
    assert money(Decimal("2.004")) == Decimal("2.00")
    assert money(Decimal("-2.005")) == Decimal("-2.01")  # away from zero: a credit mirrors its invoice


def test_amounts_with_sub_cent_digits_or_text_are_refused():
    assert parse_amount("120.5") == Decimal("120.5")
    for bad in ("12.345", "-1", "abc", "NaN"):
        with pytest.raises(BillingError):
            parse_amount(bad)


def test_vat_is_21_percent_of_the_net_total_rounded_once():
    sums = totals([Decimal("0.05"), Decimal("0.05"), Decimal("0.05")], Decimal("21"))
    # per line 0.0105 → 0.01 each would give 0.03; on the total 0.15 × 21 % = 0.0315 → 0.03
    assert (sums.net, sums.vat, sums.gross) == (Decimal("0.15"), Decimal("0.03"), Decimal("0.18"))
    assert totals([Decimal("2225.00")], Decimal("21")).vat == Decimal("467.25")


# ------------------------------------------------------------------ pro rata
def test_months_parse_and_know_their_days():
    assert Month.parse("2026-02").days == 28 and Month.parse("2028-02").days == 29
    assert Month.parse("2026-12").next() == Month(2027, 1)
    for bad in ("2026-13", "october", "", "2026/10"):
        with pytest.raises(BillingError):
            Month.parse(bad)


def test_an_agreement_starting_mid_month_pays_for_its_days():
    october = Month(2026, 10)
    assert active_days(october, date(2026, 10, 17), None) == 15  # 17..31
    assert pro_rata(Decimal("545.00"), 15, 31) == Decimal("263.71")  # 545 × 15 / 31 = 263.709…


def test_an_agreement_ending_mid_month_pays_until_its_last_day():
    assert active_days(Month(2026, 11), date(2026, 1, 1), date(2026, 11, 10)) == 10
    assert pro_rata(Decimal("295.00"), 10, 30) == Decimal("98.33")


def test_a_full_month_and_no_days():
    assert active_days(Month(2026, 10), date(2026, 1, 1), None) == 31
    assert pro_rata(Decimal("545.00"), 31, 31) == Decimal("545.00")
    assert active_days(Month(2026, 10), date(2026, 11, 1), None) == 0


# -------------------------------------------------------------------- lines
MEDIUM = FeeItem("package", "medium", {"nl": "PrioritySupport Medium", "en": "PrioritySupport Medium"}, Decimal("545.00"))
KOPPELING = FeeItem("addon", "koppeling", {"nl": "PrioritySupport Koppeling", "en": "PrioritySupport Integration"},
                    Decimal("295.00"), 3, "integration", ("Exact Online", "Shopify", "PostNL"))


def test_koppeling_is_billed_per_integration_and_keeps_the_facts_to_say_so():
    lines = fee_lines([MEDIUM, KOPPELING], month=Month(2026, 10), code="ERPM-1", starts_on=date(2026, 1, 1), ends_on=None)
    assert [(line.quantity, line.unit_price, line.amount) for line in lines] == [
        (1, Decimal("545.00"), Decimal("545.00")), (3, Decimal("295.00"), Decimal("885.00"))]
    facts = lines[1].facts  # worded by the billing app (tests/billing/test_line_words.py)
    assert (facts["names"], facts["month"], facts["code"], facts["unit"], facts["monthly_price"]) == (
        ["Exact Online", "Shopify", "PostNL"], "2026-10", "ERPM-1", "integration", Decimal("295.00"))


def test_a_part_month_line_is_pro_rata_and_keeps_its_days():
    lines = fee_lines([KOPPELING], month=Month(2026, 10), code="ERPM-1", starts_on=date(2026, 10, 17), ends_on=None)
    # per integration 295 × 15/31 = 142.74 (half up), three of them 428.22
    assert (lines[0].unit_price, lines[0].amount) == (Decimal("142.74"), Decimal("428.22"))
    assert (lines[0].facts["days"], lines[0].facts["month_days"]) == (15, 31)


def test_zero_priced_items_make_no_line():
    free = FeeItem("package", "subscription", {"en": "Subscription"}, Decimal("0.00"))
    assert fee_lines([free], month=Month(2026, 10), code="X", starts_on=date(2026, 1, 1), ends_on=None) == []


def test_a_time_line_adds_up_its_sessions_and_names_them():
    sessions = [Session(7, 1, 30, RATE, Decimal("60.00")), Session(9, 31, 60, RATE, Decimal("120.00"))]
    line = time_line(42, "Report is slow", sessions)
    assert (line.quantity, line.unit_price, line.amount) == (Decimal("1.50"), RATE, Decimal("180.00"))
    assert line.facts == {"number": 42, "subject": "Report is slow", "entries": [7, 9], "billed": 90, "worked": 32}


def test_a_time_line_refuses_mixed_rates():
    with pytest.raises(BillingError):
        time_line(1, "x", [Session(1, 30, 30, RATE, Decimal(60)), Session(2, 30, 30, Decimal(100), Decimal(50))])


# ------------------------------------------------------------------- budget
def test_a_budget_warns_before_it_is_exceeded():
    state = BudgetState(approved=Decimal("1000.00"), booked=Decimal("700.00"), invoiced=Decimal("0.00"))
    assert not state.warning and state.remaining == Decimal("300.00")
    assert state.after(Decimal("120.00")).warning  # 82 % ≥ 80 %
    assert state.after(Decimal("400.00")).exceeded

