"""Coverage and weekend reasons are worded by the triage app through gettext, in the reader's
language and notation; the core only gives English templates and facts (issue 21)."""

from __future__ import annotations

import inspect
from datetime import date

import pytest

from meldpunt.core import coverage
from meldpunt.core.catalog_loader import load_preset
from meldpunt.core.coverage import Subject, Terms, check_coverage, check_weekend
from meldpunt.triage.reason_words import kind_names, reason_words, stored_reason


@pytest.fixture(scope="module")
def erpm():
    return load_preset("erpm")


def _terms(catalog, package, addons=(), **kw):
    return Terms(code="AGR-7", covers=catalog.package(package).covers,
                 entitlements=catalog.entitlements(package, list(addons)), starts_on=date(2026, 1, 1), **kw)


def test_the_core_writes_no_dutch_of_its_own():
    source = inspect.getsource(coverage)
    for dutch in ("valt", "overeenkomst", "weekend voor speciale", "zaterdag", "vrijdag", "Kies een"):
        assert dutch not in source


def test_a_period_reason_reads_in_dutch_with_dates_in_dutch_notation(erpm):
    terms = _terms(erpm, "small", ends_on=date(2026, 6, 30))
    reason = check_coverage(erpm.coverage, terms, Subject("incident", date(2026, 7, 1))).reasons[0]
    assert reason_words(reason, "nl") == ("Overeenkomst AGR-7 loopt 1 januari 2026 – 30 juni 2026; "
                                          "het verzoek van 1 juli 2026 valt erbuiten")
    assert reason_words(reason, "en") == ("Agreement AGR-7 runs 1 January 2026 – 30 June 2026; "
                                          "the request of 1 July 2026 falls outside it")


def test_a_covered_request_names_its_kind_in_the_readers_language(erpm):
    terms = _terms(erpm, "small")
    reason = check_coverage(erpm.coverage, terms, Subject("change", date(2026, 3, 2)), kind_names("change")).reasons[0]
    assert reason.code == "covered"
    assert stored_reason(reason) == {"code": "covered", "en": "Change request covered by agreement AGR-7",
                                     "nl": "Wijzigingsverzoek valt onder overeenkomst AGR-7"}


def test_an_area_and_its_paid_names_read_in_dutch(erpm):
    paid = _terms(erpm, "small", ["koppeling"], names={"koppeling": ("Exact Online", "Mollie")})
    other = Subject("incident", date(2026, 3, 2), "The Shopify koppeling fails")
    reason = check_coverage(erpm.coverage, paid, other).reasons[0]
    assert reason.code == "area_name"
    assert "het verzoek noemt er geen; betaald: Exact Online, Mollie" in reason_words(reason, "nl")
    assert "the request names none of them; paid for: Exact Online, Mollie" in reason_words(reason, "en")


def test_a_limit_flag_reads_the_limit_in_the_readers_language(erpm):
    terms = _terms(erpm, "small", limit_excesses=({"en": "users: 26 declared", "nl": "gebruikers: 26 opgegeven"},))
    flag = check_coverage(erpm.coverage, terms, Subject("incident", date(2026, 3, 2))).flags[0]
    assert reason_words(flag, "nl") == "Limiet overschreden: gebruikers: 26 opgegeven"
    assert reason_words(flag, "en") == "Limit exceeded: users: 26 declared"


def test_weekend_refusals_translate_the_weekday_the_packages_and_the_dates():
    kw = dict(today=date(2026, 5, 1), starts_on=date(2026, 1, 1), ends_on=None, notice_days=30, start_day=5)
    reasons = check_weekend(entitled=False, saturday=date(2026, 5, 8), booked=[], granted_by={"en": "Elite", "nl": "Elite"}, **kw)
    assert [r.code for r in reasons] == ["entitlement", "saturday", "notice"]
    nl = [reason_words(r, "nl") for r in reasons]
    assert nl == ["Het pakket heeft geen weekend voor speciale gebeurtenissen (alleen Elite)",
                  "Een weekend voor speciale gebeurtenissen begint op een zaterdag",
                  "Vraag het minstens 30 dagen van tevoren aan (vroegst 31 mei 2026)"]
    assert reason_words(reasons[1], "en") == "A special-event weekend starts on a Saturday"
    taken = check_weekend(entitled=True, saturday=date(2026, 6, 6), booked=[date(2026, 2, 7)], **kw)
    assert reason_words(taken[0], "nl") == ("Dit contractjaar (1 januari 2026 – 31 december 2026) heeft zijn weekend al; "
                                            "een ongebruikt weekend schuift niet door")
