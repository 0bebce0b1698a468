"""Coverage (seed 002: after completeness) and the special-event weekend rules (seed 003)."""

from datetime import date

import pytest

from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_preset, parse_catalog, preset_text
from meldpunt.core.coverage import Subject, Terms, agreement_year, check_coverage, check_weekend


@pytest.fixture(scope="module")
def invantive():
    return load_preset("invantive")


@pytest.fixture(scope="module")
def erpm():
    return load_preset("erpm")


def _terms(catalog, package, addons=(), names=None, **kw):
    return Terms(code="AGR-1", covers=catalog.package(package).covers,
                 entitlements=catalog.entitlements(package, list(addons)), starts_on=date(2026, 1, 1),
                 names=names or {}, **kw)


def test_invantive_incident_is_covered_and_a_question_goes_to_the_community(invantive):
    terms = _terms(invantive, "subscription")
    assert check_coverage(invantive.coverage, terms, Subject("incident", date(2026, 3, 2))).covered
    result = check_coverage(invantive.coverage, terms, Subject("question", date(2026, 3, 2)))
    assert not result.covered and "community" in str(result.reasons[0])
    for kind in ("installation", "consultant"):
        assert check_coverage(invantive.coverage, terms, Subject(kind, date(2026, 3, 2))).outcome == "not_covered"


def test_a_request_outside_the_agreement_period_is_not_covered(invantive):
    terms = _terms(invantive, "subscription", ends_on=date(2026, 6, 30))
    result = check_coverage(invantive.coverage, terms, Subject("incident", date(2026, 7, 1)))
    assert not result.covered and result.reasons[0].code == "period" and "2026-06-30" in str(result.reasons[0])


def test_koppeling_covers_only_the_named_integrations_paid_for(erpm):
    names = {"koppeling": ("Exact Online", "Mollie")}
    paid = _terms(erpm, "small", ["koppeling"], names)
    ok = Subject("incident", date(2026, 3, 2), "The Mollie integration stops syncing payments")
    assert check_coverage(erpm.coverage, paid, ok).covered
    other = Subject("incident", date(2026, 3, 2), "The Shopify koppeling fails")
    result = check_coverage(erpm.coverage, paid, other)
    assert not result.covered and "paid for: Exact Online, Mollie" in str(result.reasons[0])
    named = Subject("incident", date(2026, 3, 2), "sync fails", area="integration", name="Shopify")
    assert not check_coverage(erpm.coverage, paid, named).covered
    without = _terms(erpm, "small")
    assert check_coverage(erpm.coverage, without, ok).reasons[0].code == "area"


def test_migration_covers_standard_migration_not_custom_or_third_party_modules(erpm):
    terms = _terms(erpm, "small", ["migration"])
    assert check_coverage(erpm.coverage, terms, Subject("change", date(2026, 3, 2), "Migration to 2026.1")).covered
    custom = check_coverage(erpm.coverage, terms, Subject("change", date(2026, 3, 2), "Migratie van ons maatwerk"))
    assert not custom.covered and "custom is excluded" in str(custom.reasons[0])
    third = Subject("change", date(2026, 3, 2), "upgrade", area="migration", scope="third_party")
    assert "third-party" in str(check_coverage(erpm.coverage, terms, third).reasons[0])


def test_limits_exceeded_are_flagged_not_refused(erpm):
    terms = _terms(erpm, "small", limit_excesses=("users: 26 declared, package allows 25",))
    result = check_coverage(erpm.coverage, terms, Subject("incident", date(2026, 3, 2)))
    assert result.covered and "26 declared" in str(result.flags[0])


def test_weekend_rules_say_every_reason():
    kw = dict(today=date(2026, 3, 1), starts_on=date(2026, 1, 1), ends_on=None, booked=[])
    assert check_weekend(entitled=True, saturday=date(2026, 3, 21), **kw) == []
    codes = [r.code for r in check_weekend(entitled=False, saturday=date(2026, 3, 6), **kw)]
    assert codes == ["entitlement", "saturday", "notice"]
    again = check_weekend(entitled=True, saturday=date(2026, 10, 3), **{**kw, "booked": [date(2026, 3, 21)]})
    assert [r.code for r in again] == ["one_per_year"] and "not carried over" in str(again[0])
    next_year = check_weekend(entitled=True, saturday=date(2027, 1, 2), **{**kw, "booked": [date(2026, 3, 21)]})
    assert next_year == []


def test_agreement_years_run_from_the_start_date():
    assert agreement_year(date(2025, 7, 1), date(2026, 3, 1)) == (date(2025, 7, 1), date(2026, 6, 30))


def test_a_bad_coverage_table_names_the_field():
    text = preset_text("infor").replace('advisory = { en = "Installation', 'moon = { en = "Installation')
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "infor.toml")
    assert bad.value.field == "coverage.not_covered.moon" and "not a request kind" in bad.value.reason
