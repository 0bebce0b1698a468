"""Completeness (seeds 000/001; seed 002: checked first): catalog rules, customer's language."""

import pytest

from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_preset, parse_catalog, preset_text
from meldpunt.core.completeness import FIELDS, Requirement, check_completeness

COMPLETE = {"description": "Refreshing the Exact Online sheet stops with an error",
            "error_code": "itgenclr073", "product": "Invantive Cloud", "product_version": "24.0.123",
            "reproduction": "1. Open sheet 2. Refresh"}


@pytest.fixture(scope="module")
def rules():
    return load_preset("invantive").completeness


def test_a_full_invantive_incident_is_complete(rules):
    assert check_completeness(rules["incident"], COMPLETE).complete


def test_an_incident_without_version_and_steps_lists_both_in_dutch(rules):
    result = check_completeness(rules["incident"], {**COMPLETE, "product_version": "", "reproduction": " "}, "nl")
    assert not result.complete
    assert [m.field for m in result.missing] == ["product_version", "reproduction"]
    assert result.missing[0].text == "De versie van het product"


def test_the_error_code_is_optional_but_must_be_an_itgen_code_when_given(rules):
    assert check_completeness(rules["incident"], {**COMPLETE, "error_code": ""}).complete
    result = check_completeness(rules["incident"], {**COMPLETE, "error_code": "E-4711"}, "en")
    assert [(m.field, m.problem) for m in result.missing] == [("error_code", "invalid")]
    assert "start with itgen" in result.missing[0].text


def test_a_one_word_description_is_too_short(rules):
    result = check_completeness(rules["incident"], {**COMPLETE, "description": "broken"})
    assert [(m.field, m.problem) for m in result.missing] == [("description", "too_short")]


def test_a_licence_key_request_needs_the_agreement_code(rules):
    result = check_completeness(rules["licence_key"], {"product_version": "24.0"}, "en")
    assert [m.field for m in result.missing] == ["agreement"]


def test_a_bad_completeness_rule_names_file_field_and_reason():
    text = preset_text("invantive").replace('field = "product_version"\nask = { en = "The version of the product"',
                                            'field = "colour"\nask = { en = "The version of the product"')
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "invantive.toml")
    assert bad.value.file == "invantive.toml" and bad.value.field == "completeness.incident[3].field"
    assert "unknown field 'colour'" in bad.value.reason and bad.value.line


def test_a_rule_without_its_own_ask_names_the_field_in_english_or_as_the_app_words_it():
    """The core words no language itself: without a catalog ``ask`` the field's English name
    (marked for the catalogue), or the name the app passes worded (issue 21)."""
    rules = [Requirement("product_version", ask={}), Requirement("error_code", ask={}, required=False,
                                                                   pattern="^itgen", hint={"en": "starts with itgen"})]
    found = check_completeness(rules, {"error_code": "E-1"}, "nl")
    assert [(m.field, m.problem, m.text) for m in found.missing] == [
        ("product_version", "missing", "version"), ("error_code", "invalid", "error code (starts with itgen)")]
    worded = check_completeness(rules, {}, "nl", {"product_version": "versie"})
    assert [m.text for m in worded.missing] == ["versie"]
    assert set(FIELDS) == {"subject", "description", "product", "product_version", "error_code", "reproduction",
                           "agreement"}
