"""Catalogs as data (meldpunt.core.catalog, meldpunt.core.catalog_loader).

The three presets come from the seeds (000/001/002 Invantive, 003 Infor, 004 ERP.M). A bad
catalog file is refused with a CatalogError that names the file, the field and the reason
(and the line when it can be found), so a vendor can fix it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from meldpunt.core.catalog import Catalog, CatalogError, TargetRule
from meldpunt.core.catalog_loader import PRESETS, load_catalog, load_preset, parse_catalog
from meldpunt.core.sla import Target


@pytest.fixture(scope="module")
def erpm() -> Catalog:
    return load_preset("erpm")


@pytest.fixture(scope="module")
def infor() -> Catalog:
    return load_preset("infor")


@pytest.fixture(scope="module")
def invantive() -> Catalog:
    return load_preset("invantive")


def t(text: str) -> Target:
    return Target.parse(text)


# ------------------------------------------------------------------- presets
def test_the_three_presets_load_by_name():
    assert PRESETS == ("invantive", "infor", "erpm")
    assert {name: load_catalog(name).id for name in PRESETS} == {
        "invantive": "invantive", "infor": "infor", "erpm": "erpm",
    }


def test_invantive_preset_has_the_subscription_package(invantive):
    assert list(invantive.packages) == ["subscription"]
    assert invantive.addons == {}
    assert list(invantive.calendars) == ["service", "around-the-clock"]
    assert invantive.priority.default == "III"
    assert invantive.billing["session_unit_minutes"] == 30


def test_infor_preset_has_xtreme_premium_and_elite(infor):
    assert list(infor.packages) == ["xtreme", "xtreme-premium", "xtreme-elite"]
    assert infor.packages["xtreme-premium"].includes == "xtreme"
    assert infor.packages["xtreme-elite"].includes == "xtreme-premium"


def test_erpm_preset_has_three_packages_and_three_add_ons(erpm):
    assert list(erpm.packages) == ["small", "medium", "large"]
    assert list(erpm.addons) == ["premium", "koppeling", "migration"]
    assert erpm.packages["small"].monthly_price == Decimal("195.00")
    assert erpm.addons["koppeling"].unit == "integration"
    assert erpm.addons["migration"].excludes == ("custom modules (maatwerk)", "third-party modules")
    assert erpm.currency == "EUR" and erpm.vat_rate == Decimal("21")


def test_preset_calendars_are_europe_amsterdam_with_dutch_holidays(erpm, invantive, infor):
    for catalog in (erpm, invantive, infor):
        for calendar in catalog.calendars.values():
            assert calendar.timezone == "Europe/Amsterdam"
            if calendar.holidays:
                assert {"Good Friday", "Liberation Day"} <= calendar.holidays.without
    assert erpm.calendar("premium-incidents").weekly[0] == ((360, 1380),)
    assert erpm.calendar("workdays").holiday_set == "NL"
    assert infor.calendar("24x7").holiday_set is None
    assert infor.calendar("workday-24h").weekly[5] == ()


def test_unknown_preset_or_calendar_or_package_is_named():
    with pytest.raises(CatalogError, match="no preset 'acme'"):
        load_preset("acme")
    erpm = load_preset("erpm")
    with pytest.raises(KeyError, match="no calendar 'nights'"):
        erpm.calendar("nights")
    with pytest.raises(KeyError, match="no package 'huge'"):
        erpm.package("huge")


# --------------------------------------------------------------- inheritance
def test_medium_and_large_inherit_smalls_targets_and_calendar(erpm):
    small = erpm.packages["small"]
    for key in ("medium", "large"):
        package = erpm.packages[key]
        assert package.includes == "small"
        assert package.targets == small.targets
        assert package.calendar == "workdays"
        assert package.entitlements == small.entitlements
        assert erpm.target_for(key, [], "incident", "A", "response") == t("2h")
        assert erpm.target_for(key, [], "incident", "B", "resolution") == t("2bd")


def test_included_package_overrides_limits_but_keeps_the_rest(erpm):
    assert erpm.packages["small"].limits == {"users": 25, "customisation_lines": 2500}
    assert erpm.packages["medium"].limits == {"users": 75, "customisation_lines": 15000}
    assert erpm.packages["medium"].covers == erpm.packages["small"].covers


def test_xtreme_elite_has_everything_of_premium_and_xtreme_plus_its_own(infor):
    elite = infor.entitlements("xtreme-elite")
    assert {"critical_24x7", "special_event_weekend", "interactive_sessions", "dedicated_csm"} <= elite
    assert infor.entitlements("xtreme") <= infor.entitlements("xtreme-premium") <= elite
    assert "critical_24x7" not in infor.entitlements("xtreme")
    assert "critical_workday_24h" in infor.entitlements("xtreme")


# --------------------------------------------------------------- target_for
def test_erpm_targets_per_priority_match_the_seed(erpm):
    table = {
        (p, m): erpm.target_for("small", [], "incident", p, m)
        for p in "ABCD" for m in ("response", "resolution")
    }
    assert table == {
        ("A", "response"): t("2h"), ("A", "resolution"): t("1bd"),
        ("B", "response"): t("4h"), ("B", "resolution"): t("2bd"),
        ("C", "response"): t("2bd"), ("C", "resolution"): t("planning"),
        ("D", "response"): t("5bd"), ("D", "resolution"): t("planning"),
    }


def test_premium_add_on_targets_beat_the_package(erpm):
    assert erpm.target_for("small", ["premium"], "incident", "A", "response") == t("1h")
    assert erpm.target_for("medium", ["premium"], "incident", "B", "resolution") == t("1bd")
    assert erpm.target_for("large", ["premium"], "question", "D", "response") == t("3bd")
    # Other add-ons change no targets.
    assert erpm.target_for("small", ["koppeling", "migration"], "incident", "A", "response") == t("2h")


def test_agreement_override_beats_add_on_and_package(erpm):
    override = [TargetRule("A", None, t("30m"), None)]
    assert erpm.target_for("small", ["premium"], "incident", "A", "response", override) == t("30m")
    # The override sets no resolution: the add-on's still applies.
    assert erpm.target_for("small", ["premium"], "incident", "A", "resolution", override) == t("1bd")
    # And it only covers priority A.
    assert erpm.target_for("small", ["premium"], "incident", "B", "response", override) == t("2h")


def test_kind_specific_rule_beats_a_general_rule_from_the_same_source(erpm):
    overrides = [
        TargetRule("A", None, t("45m"), None),
        TargetRule("A", frozenset({"incident"}), t("15m"), None),
    ]
    assert erpm.target_for("small", [], "incident", "A", "response", overrides) == t("15m")
    assert erpm.target_for("small", [], "question", "A", "response", overrides) == t("45m")


def test_invantive_targets_are_for_incidents_only(invantive):
    assert invantive.target_for("subscription", [], "incident", "I", "response") == t("1bd")
    assert invantive.target_for("subscription", [], "incident", "III", "resolution") == t("90bd")
    assert invantive.target_for("subscription", [], "question", "III", "response") is None


def test_infor_sets_no_targets_until_an_agreement_does(infor):
    assert infor.target_for("xtreme-elite", [], "incident", "critical", "response") is None
    agreed = [TargetRule("critical", None, t("1h"), t("1bd"))]
    assert infor.target_for("xtreme-elite", [], "incident", "critical", "response", agreed) == t("1h")


def test_add_ons_must_exist_and_fit_the_package(erpm, invantive):
    with pytest.raises(KeyError, match="no add-on 'gold'"):
        erpm.target_for("small", ["gold"], "incident", "A", "response")
    with pytest.raises(KeyError, match="add-ons: none"):
        invantive.entitlements("subscription", ["premium"])


def test_premium_grants_an_emergency_number_and_removes_its_absence(erpm):
    plain = erpm.entitlements("small")
    premium = erpm.entitlements("small", ["premium"])
    assert "no_emergency_number" in plain and "emergency_number" not in plain
    assert "emergency_number" in premium and "no_emergency_number" not in premium
    assert "incident_intake_extended" in premium


# ------------------------------------------------------------- calendar_for
def test_premium_incidents_run_on_the_extended_calendar(erpm):
    assert erpm.calendar_for("small", ["premium"], "incident", "A").id == "premium-incidents"
    assert erpm.calendar_for("large", ["koppeling", "premium"], "incident", "D").id == "premium-incidents"


def test_premium_questions_and_changes_stay_on_workdays(erpm):
    assert erpm.calendar_for("small", ["premium"], "question", "D").id == "workdays"
    assert erpm.calendar_for("small", ["premium"], "change", "D").id == "workdays"


def test_without_premium_incidents_run_on_workdays(erpm):
    assert erpm.calendar_for("small", [], "incident", "A").id == "workdays"


def test_infor_critical_issues_run_per_package(infor):
    assert infor.calendar_for("xtreme", [], "incident", "critical").id == "workday-24h"
    assert infor.calendar_for("xtreme-premium", [], "incident", "critical").id == "24x7"
    assert infor.calendar_for("xtreme-elite", [], "incident", "critical").id == "24x7"
    assert infor.calendar_for("xtreme-elite", [], "incident", "high").id == "office"


# ------------------------------------------------------------ bad catalogs
GOOD = """\
id = "acme"
name = "Acme"
version = "1"
currency = "EUR"
kinds = ["incident", "question"]

[calendars.office]
name = "Office"
timezone = "Europe/Amsterdam"
hours = { mon = ["09:00-17:00"], fri = ["09:00-12:00"] }
holidays = { country = "NL" }

[priority]
scheme = "categories"
levels = ["high", "low"]
default = "low"

[packages.basic]
name = "Basic"
monthly_price = "10.00"
calendar = "office"
entitlements = ["email_support"]

[[packages.basic.targets]]
priority = "high"
response = "4h"
resolution = "2bd"
"""


def bad(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


def test_the_good_example_loads():
    catalog = parse_catalog(GOOD, "good.toml")
    assert catalog.target_for("basic", [], "incident", "high", "resolution") == t("2bd")
    assert catalog.calendar("office").weekly[4] == ((540, 720),)
    assert catalog.languages == ("nl", "en")


@pytest.mark.parametrize(
    ("text", "field", "reason", "line"),
    [
        (bad('response = "4h"', 'response = "3x"'), "packages.basic.targets[0].response",
         "'3x' is not a target like 90m, 2h, 3bd or planning", 26),
        (bad('"email_support"', '"free_lunch"'), "packages.basic.entitlements",
         "unknown value 'free_lunch'", 22),
        (bad('calendar = "office"', 'calendar = "night"'), "packages.basic.calendar",
         "no calendar 'night'", 21),
        (bad('calendar = "office"\n', ""), "packages.basic.calendar", "is required", None),
        (bad("fri = ", "fry = "), "calendars.office.hours",
         "unknown weekday 'fry'; use mon, tue, wed, thu, fri, sat, sun", 10),
        (bad("09:00-12:00", "12:00-09:00"), "calendars.office.hours", "must start before it ends", 10),
        (bad("Europe/Amsterdam", "Europe/Atlantis"), "calendars.office.timezone",
         "'Europe/Atlantis' is not an IANA time zone", 9),
        (bad('country = "NL"', 'country = "XX"'), "calendars.office.holidays.country",
         "'XX' is not a country the holidays library knows", 11),
        (bad('priority = "high"', 'priority = "urgent"'), "packages.basic.targets[0].priority",
         "'urgent' is not one of high, low", 25),
        (bad('"10.00"', "10.5"), "packages.basic.monthly_price", "written as a string", 20),
        (bad('"EUR"', '"euro"'), "currency", "'euro' is not an ISO 4217 code", 4),
        (bad('kinds = ["incident", "question"]', 'kinds = ["incident", "gossip"]'), "kinds",
         "unknown value 'gossip'", 5),
        (bad('id = "acme"\n', ""), "id", "is required", None),
        (bad('default = "low"\n', ""), "priority.default", "is required for a categories scheme", None),
        (bad('scheme = "categories"', 'scheme = "grid"'), "priority.scheme", "'grid' must be matrix or categories", 14),
        (bad('holidays = { country = "NL" }', 'holidays = { country = "NL" }\nclosed = [{ date = "2026-12-24" }]'),
         "calendars.office.closed[0].date", "must be a date such as 2026-12-24", None),
        (GOOD + '\n[addons.extra]\nname = "Extra"\nrequires = ["gold"]\n', "addons.extra.requires",
         "unknown value 'gold'", None),
        (GOOD + '\n[packages.a]\nname = "A"\nincludes = "b"\n[packages.b]\nname = "B"\nincludes = "a"\n',
         "includes", "includes itself through a cycle", None),
        (GOOD + '\n[packages.plus]\nname = "Plus"\nincludes = "gold"\n', "packages.plus.includes",
         "no package 'gold'", None),
    ],
    ids=[
        "bad-target-3x", "unknown-entitlement", "missing-calendar", "no-calendar", "unknown-weekday",
        "inverted-range", "unknown-time-zone", "unknown-holiday-set", "unknown-priority",
        "price-as-float", "bad-currency", "unknown-kind", "no-id", "categories-without-default",
        "unknown-scheme", "closed-date-as-text", "add-on-requires-unknown-package",
        "includes-cycle", "includes-unknown-package",
    ],
)
def test_bad_catalog_is_refused_naming_file_field_and_reason(text, field, reason, line):
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "bad.toml")
    error = caught.value
    assert error.file == "bad.toml"
    assert field in error.field
    assert reason in error.reason
    message = str(error)
    assert message.startswith("bad.toml")
    assert error.field in message and error.reason in message
    if line is not None:
        assert error.line == line
        assert message.startswith(f"bad.toml:{line}: ")


def test_toml_syntax_error_names_the_file_and_the_line():
    with pytest.raises(CatalogError) as caught:
        parse_catalog(bad('currency = "EUR"', "currency = EUR"), "bad.toml")
    error = caught.value
    assert error.file == "bad.toml" and error.field == "toml"
    # Python 3.14 gives the line as an attribute (error.line); 3.12/3.13 only in the text.
    assert error.line == 4 or "line 4" in error.reason
    assert "bad.toml" in str(error) and ("bad.toml:4:" in str(error) or "line 4" in str(error))


def test_catalog_file_on_disk_is_loaded_and_errors_name_its_path(tmp_path: Path):
    good = tmp_path / "acme.toml"
    good.write_text(GOOD, encoding="utf-8")
    assert load_catalog(str(good)).id == "acme"

    broken = tmp_path / "broken.toml"
    broken.write_text(bad('resolution = "2bd"', 'resolution = "2 weeks"'), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"broken\.toml:27: packages\.basic\.targets\[0\]\.resolution: '2 weeks'"):
        load_catalog(str(broken))


def test_missing_or_unreadable_catalog_file_is_a_catalog_error(tmp_path: Path):
    with pytest.raises(CatalogError, match="missing.toml: file: no such file"):
        load_catalog(str(tmp_path / "missing.toml"))
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('name = "Caf\xe9"'.encode("latin-1"))
    with pytest.raises(CatalogError, match="is not UTF-8 text"):
        load_catalog(str(latin1))


def test_closed_days_in_a_catalog_become_closed_days_of_the_calendar():
    text = bad(
        'holidays = { country = "NL" }',
        'holidays = { country = "NL" }\nclosed = [{ date = 2026-12-24, reason = "Office outing" }]',
    )
    catalog = parse_catalog(text, "closed.toml")
    assert catalog.calendar("office").closed == {date(2026, 12, 24): "Office outing"}


def test_catalog_error_is_a_value_error_with_its_parts():
    error = CatalogError("x.toml", "packages.a.calendar", "is required", 7)
    assert isinstance(error, ValueError)
    assert str(error) == "x.toml:7: packages.a.calendar: is required"
    assert str(CatalogError("x.toml", "id", "is required")) == "x.toml: id: is required"
