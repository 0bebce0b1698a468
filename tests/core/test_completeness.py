"""Completeness (seeds 000/001; seed 002: checked first): catalog rules, customer's language."""

import pytest

from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_preset, parse_catalog, preset_text
from meldpunt.core.completeness import check_completeness, information_request, missing_text

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
    text = information_request(result, "nl", 42)
    assert "verzoek 42" in text and "- De versie van het product" in text and "staat stil" in text


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


def test_a_stored_missing_field_reads_in_another_language():
    """The assessment words what is missing in the customer's language; an agent reads the
    same field in theirs (issue 21)."""
    rules = load_preset("invantive").completeness["licence_key"]
    version = next(m for m in check_completeness(rules, {}, "en").missing if m.field == "product_version")
    assert version.text == "The version you need a licence key for"
    assert missing_text(rules, version.field, version.problem, "nl") == "De versie waarvoor u een licentiesleutel nodig hebt"
    assert missing_text(rules, "no_such_field", "missing", "nl") is None
