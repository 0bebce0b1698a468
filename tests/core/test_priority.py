"""Priority from catalog data (meldpunt.core.priority).

Seed 004 (ERP.M): incidents get impact × urgency, questions and change requests are always D.
Seeds 000/001 (Invantive): categories I/II/III, default III, another category on request.
"""

from __future__ import annotations

import pytest

from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_preset, parse_catalog, preset_text
from meldpunt.core.priority import PriorityError, PriorityScheme, assign_priority, initial_priority


@pytest.fixture(scope="module")
def erpm() -> PriorityScheme:
    return load_preset("erpm").priority


@pytest.fixture(scope="module")
def invantive() -> PriorityScheme:
    return load_preset("invantive").priority


# SPEC.md §3, the seed 004 table: impact (rows) × urgency (columns).
ERPM_MATRIX = {
    ("one", "low"): "D", ("one", "medium"): "C", ("one", "high"): "B",
    ("multiple", "low"): "D", ("multiple", "medium"): "C", ("multiple", "high"): "A",
    ("organisation", "low"): "C", ("organisation", "medium"): "B", ("organisation", "high"): "A",
}


@pytest.mark.parametrize(("impact", "urgency"), list(ERPM_MATRIX))
def test_incident_priority_follows_the_erpm_impact_urgency_matrix(erpm, impact, urgency):
    decision = assign_priority(erpm, "incident", impact=impact, urgency=urgency)
    assert decision.level == ERPM_MATRIX[(impact, urgency)]
    assert f"impact {impact}" in decision.reason and f"urgency {urgency}" in decision.reason


def test_the_matrix_has_exactly_the_nine_seed_cells(erpm):
    assert dict(erpm.matrix) == ERPM_MATRIX
    assert erpm.levels == ("A", "B", "C", "D")


@pytest.mark.parametrize("kind", ["question", "change"])
def test_questions_and_change_requests_are_always_priority_d(erpm, kind):
    assert assign_priority(erpm, kind).level == "D"
    # ... whatever impact, urgency or explicit choice comes with them.
    decision = assign_priority(erpm, kind, impact="organisation", urgency="high", requested="A")
    assert decision.level == "D"
    assert "always priority D" in decision.reason


def test_erpm_incident_without_impact_and_urgency_has_no_priority(erpm):
    with pytest.raises(PriorityError, match="needs impact and urgency"):
        assign_priority(erpm, "incident")


def test_an_unassessed_erpm_incident_gets_the_catalogs_provisional_level_to_be_assessed(erpm):
    decision = initial_priority(erpm, "incident")
    assert (decision.level, decision.provisional) == ("C", True)
    assert "to be assessed" in decision.reason
    assessed = initial_priority(erpm, "incident", impact="one", urgency="high")
    assert (assessed.level, assessed.provisional) == ("B", False)
    assert initial_priority(erpm, "question").level == "D" and not initial_priority(erpm, "question").provisional


def test_without_a_provisional_level_an_unassessed_incident_has_no_priority(erpm):
    from dataclasses import replace

    assert initial_priority(replace(erpm, provisional=None), "incident") is None


def test_categories_catalogs_use_their_default_not_a_provisional_level(invantive):
    decision = initial_priority(invantive, "incident")
    assert (decision.level, decision.provisional) == ("III", False)


def test_a_provisional_level_outside_the_scheme_is_refused_with_file_and_field():
    text = preset_text("erpm").replace('provisional = "C"', 'provisional = "Z"')
    with pytest.raises(CatalogError, match=r"priority\.provisional: 'Z' is not one of the levels"):
        parse_catalog(text, "erpm.toml")


def test_erpm_incident_with_only_one_of_impact_and_urgency_is_refused(erpm):
    with pytest.raises(PriorityError, match="urgency None"):
        assign_priority(erpm, "incident", impact="one")
    with pytest.raises(PriorityError, match="impact None"):
        assign_priority(erpm, "incident", urgency="high")


def test_unknown_impact_or_urgency_names_the_allowed_values(erpm):
    with pytest.raises(PriorityError, match="impact 'everyone' is not one of one, multiple, organisation"):
        assign_priority(erpm, "incident", impact="everyone", urgency="high")
    with pytest.raises(PriorityError, match="urgency 'urgent' is not one of low, medium, high"):
        assign_priority(erpm, "incident", impact="one", urgency="urgent")


def test_agent_may_set_an_erpm_incident_priority_explicitly(erpm):
    decision = assign_priority(erpm, "incident", requested="A")
    assert decision.level == "A"
    assert "explicitly" in decision.reason


def test_invantive_default_is_category_three(invantive):
    for kind in ("incident", "question", "licence_key"):
        decision = assign_priority(invantive, kind)
        assert decision.level == "III"
        assert "default" in decision.reason


def test_invantive_customer_may_get_another_category_when_accepted(invantive):
    assert assign_priority(invantive, "incident", requested="I").level == "I"
    assert assign_priority(invantive, "incident", requested="II").level == "II"


@pytest.mark.parametrize(("scheme_name", "level"), [("invantive", "IV"), ("invantive", "A"), ("erpm", "E"), ("erpm", "a")])
def test_a_level_outside_the_scheme_is_refused_and_the_levels_are_named(scheme_name, level):
    scheme = load_preset(scheme_name).priority
    with pytest.raises(PriorityError, match=f"priority '{level}' is not one of {', '.join(scheme.levels)}"):
        assign_priority(scheme, "incident", requested=level)


def test_priority_error_is_a_value_error():
    assert issubclass(PriorityError, ValueError)


def test_levels_have_labels_in_both_languages(erpm, invantive):
    assert erpm.label("A", "nl") == "Prioriteit A"
    assert invantive.label("I", "en").startswith("Category I:")
    assert invantive.label("III", "nl").startswith("Categorie III:")
    assert erpm.label("Z") == "Z"  # unknown levels fall back to their code


def test_infor_default_is_medium_and_critical_can_be_chosen():
    infor = load_preset("infor").priority
    assert assign_priority(infor, "incident").level == "medium"
    assert assign_priority(infor, "incident", requested="critical").level == "critical"
