"""The ``[escalation]`` section of a catalog: warning points, who is warned, the breach chain."""

from __future__ import annotations

import pytest

from meldpunt.core.catalog import CatalogError, EscalationPolicy, EscalationStep, WarningPoint
from meldpunt.core.catalog_loader import PRESETS, load_preset, parse_catalog, preset_text

MINIMAL = """
id = "acme"
name = "Acme"
version = "1"
currency = "EUR"

[calendars.office]
timezone = "Europe/Amsterdam"
hours = { mon = ["09:00-17:00"], tue = ["09:00-17:00"], wed = ["09:00-17:00"], thu = ["09:00-17:00"], fri = ["09:00-17:00"] }

[priority]
scheme = "categories"
levels = ["P1", "P2"]
default = "P2"

[packages.basic]
name = "Basic"
calendar = "office"
"""


def with_escalation(section: str) -> str:
    return MINIMAL + "\n[escalation]\n" + section


def test_every_preset_has_warnings_and_a_three_step_chain():
    for name in PRESETS:
        policy = load_preset(name).escalation
        assert [step.role for step in policy.chain] == ["assignee", "team_lead", "support_manager"]
        assert {p.key for p in policy.warnings} >= {"50%", "80%"}


def test_erpm_warns_at_half_at_eighty_percent_and_thirty_business_minutes_before():
    policy = load_preset("erpm").escalation
    assert policy.warnings == (WarningPoint(percent=50), WarningPoint(percent=80), WarningPoint(before_seconds=1800))
    assert policy.chain[1] == EscalationStep("team_lead", 3600)


def test_a_catalog_without_the_section_tells_the_assignee_on_breach_only():
    policy = parse_catalog(MINIMAL, "acme.toml").escalation
    assert policy == EscalationPolicy()
    assert policy.warnings == () and policy.chain == (EscalationStep("assignee", 0),)


def test_lead_time_of_a_share_and_of_a_fixed_span():
    eight_hours = 8 * 3600
    assert WarningPoint(percent=80).lead_seconds(eight_hours) == 96 * 60  # 20 % of 8 h left
    assert WarningPoint(before_seconds=1800).lead_seconds(eight_hours) == 1800
    assert WarningPoint(before_seconds=10 * 3600).lead_seconds(eight_hours) == eight_hours


@pytest.mark.parametrize(
    ("section", "field", "reason"),
    [
        ('warnings = ["150%"]', "escalation.warnings[0]", "between 1% and 99%"),
        ('warnings = ["soon"]', "escalation.warnings[0]", "not business time"),
        ('warnings = ["2bd"]', "escalation.warnings[0]", "not business time"),
        ('warnings = ["0m"]', "escalation.warnings[0]", "more than 0 minutes"),
        ('warnings = ["50%", "50%"]', "escalation.warnings", "listed twice"),
        ('warnings = "50%"', "escalation.warnings", "list of strings"),
        ('warn = ["ceo"]', "escalation.warn", "unknown value 'ceo'"),
        ('metrics = ["uptime"]', "escalation.metrics", "unknown value 'uptime'"),
        ('chain = []', "escalation.chain", "non-empty"),
        ('[[escalation.chain]]\nrole = "janitor"', "escalation.chain[0].role", "not one of"),
        ('[[escalation.chain]]\nafter = "1h"', "escalation.chain[0].role", "is required"),
        ('[[escalation.chain]]\nrole = "team_lead"\nafter = "2h"\n[[escalation.chain]]\nrole = "support_manager"\nafter = "1h"',
         "escalation.chain[1].after", "earlier than the step before"),
        ('[[escalation.chain]]\nrole = "assignee"\n[[escalation.chain]]\nrole = "assignee"\nafter = "1h"',
         "escalation.chain[1].role", "already in the chain"),
        ('escalate = true', "escalation.escalate", "unknown key"),
    ],
)
def test_a_bad_escalation_value_is_rejected_naming_file_field_and_reason(section, field, reason):
    with pytest.raises(CatalogError) as caught:
        parse_catalog(with_escalation(section), "acme.toml")
    error = caught.value
    assert error.file == "acme.toml" and error.field == field and reason in error.reason
    assert str(error).startswith("acme.toml")


def test_the_error_names_the_line_of_the_bad_value_in_a_preset():
    text = preset_text("erpm").replace('warnings = ["50%", "80%", "30m"]', 'warnings = ["50%", "180%", "30m"]')
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "erpm.toml")
    line = text.splitlines()[caught.value.line - 1]
    assert "180%" in line
