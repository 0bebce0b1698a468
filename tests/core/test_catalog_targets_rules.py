"""Three rules of the policies as catalog data (issue 20): indicative targets (seed 004),
targets per product (seed 003) and prioritisation by package (seed 003 Premium). Each test
quotes the sentence it implements; the loader, the summary of ``meldpunt catalog check``,
``diff`` and the JSON Schema agree on the keys."""

from __future__ import annotations

import pytest
from tests.core.test_catalog_tools import schema_errors

from meldpunt.contracts.catalog_summary import catalog_summary
from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_preset, parse_catalog, preset_text
from meldpunt.core.catalog_report import diff, target_table
from meldpunt.core.sla import Target

#: The example of docs/catalogs.md ("Targets per product"): seed 003 gives no numbers, so
#: these are a test catalog's, appended to the Infor preset.
PRODUCT_RULES = """
[[packages.xtreme.targets]]
priority = "*"
response = "1bd"

[[packages.xtreme.targets]]
priority = "critical"
response = "4h"

[[packages.xtreme.targets]]
priority = "critical"
products = ["Infor LN", "LN"]
response = "2h"
"""


def infor_with_products(rules: str = PRODUCT_RULES):
    return parse_catalog(preset_text("infor") + rules, "infor-products.toml")


# ------------------------------------------------------------------ indicative (seed 004)
def test_erpm_resolution_times_are_indicative_and_response_times_hard():
    """Seed 004: "Er kunnen oplossingstijden genoemd worden, dit zijn altijd indicatieve
    tijden." and "* alle oplostijden zijn indicatief"."""
    erpm = load_preset("erpm")
    assert erpm.indicative == {"resolution"}
    assert erpm.is_indicative("resolution") and not erpm.is_indicative("response")
    assert erpm.target_for("small", [], "incident", "A", "resolution") == Target(1, "bd")  # still a time to show
    assert load_preset("infor").indicative == frozenset() == load_preset("invantive").indicative
    text = "\n".join(catalog_summary(erpm))
    assert "Indicative targets: resolution (a due moment is shown, labelled indicative; never a breach" in text


def test_indicative_names_metrics_only():
    with pytest.raises(CatalogError, match=r"targets\.indicative: unknown value 'resolve'"):
        parse_catalog(preset_text("erpm").replace('indicative = ["resolution"]', 'indicative = ["resolve"]'))
    with pytest.raises(CatalogError, match=r"targets\.hard: unknown key"):
        parse_catalog(preset_text("erpm").replace('indicative = ["resolution"]', 'hard = ["response"]'))


def test_diff_names_a_change_of_indicative_metrics():
    before = load_preset("erpm")
    after = parse_catalog(preset_text("erpm").replace('indicative = ["resolution"]', "indicative = []"))
    assert diff(before, after) == ["- targets.indicative: resolution"]


# --------------------------------------------------------------- per product (seed 003)
def test_a_rule_naming_the_product_beats_the_package_table():
    """Seed 003: "Infor hanteert vaste responstijden voor meldingen op basis van urgentie,
    product en supportpakket." """
    catalog = infor_with_products()
    critical = lambda product: catalog.target_for("xtreme", [], "incident", "critical", "response",  # noqa: E731
                                                  product=product)
    assert critical("Infor LN") == Target(2, "h")
    assert critical("  infor   ln ") == Target(2, "h")  # trimmed, any case
    assert critical("ln") == Target(2, "h")
    assert critical("Infor M3") == Target(4, "h")  # no rules of its own: the package table
    assert critical("") == Target(4, "h")
    assert catalog.target_for("xtreme", [], "incident", "high", "response", product="LN") == Target(1, "bd")
    # Premium includes Xtreme and so its product rules.
    assert catalog.target_for("xtreme-premium", [], "question", "critical", "response", product="LN") == Target(2, "h")


def test_the_product_beats_the_kind_and_the_priority_within_one_source():
    catalog = infor_with_products(PRODUCT_RULES + """
[[packages.xtreme.targets]]
priority = "critical"
kinds = ["incident"]
response = "3h"

[[packages.xtreme.targets]]
priority = "*"
products = ["LN"]
response = "90m"
""")
    assert catalog.target_for("xtreme", [], "incident", "critical", "response", product="LN") == Target(2, "h")
    assert catalog.target_for("xtreme", [], "incident", "critical", "response", product="M3") == Target(3, "h")
    assert catalog.target_for("xtreme", [], "incident", "low", "response", product="LN") == Target(90, "m")


def test_check_shows_the_products_rows_and_diff_names_them():
    catalog = infor_with_products()
    rows = target_table(catalog, "xtreme")
    assert ("critical", "all", "4h", "-", "workday-24h") in rows
    assert ("critical", "all [product infor ln]", "2h", "-", "workday-24h") in rows
    assert ("critical", "all [product ln]", "2h", "-", "workday-24h") in rows
    assert not any("[product" in kinds for level, kinds, *_ in rows if level != "critical")  # same as any product
    changes = diff(load_preset("infor"), catalog)
    assert "+ packages.xtreme.targets.critical.all [product infor ln]: response 2h, resolution -, calendar workday-24h" in changes


def test_products_must_name_products():
    for bad, reason in (("products = []", "must name at least one product"),
                        ('products = ["LN", "  "]', "must name at least one product, none blank"),
                        ('products = "LN"', "must be a list of strings")):
        with pytest.raises(CatalogError, match=r"packages\.xtreme\.targets\[2\]\.products: " + reason):
            infor_with_products(PRODUCT_RULES.replace('products = ["Infor LN", "LN"]', bad))


# ------------------------------------------------------------ queue rank (seed 003 Premium)
def test_premium_and_elite_come_first_within_a_priority():
    """Seed 003, Xtreme Premium: "Meldingen worden naar urgentie geprioriteerd op basis van
    het supportpakket." Elite "omvat alle opties van Xtreme Support en Xtreme Premium
    Support" and inherits the rank."""
    infor = load_preset("infor")
    assert {key: p.queue_rank for key, p in infor.packages.items()} == {"xtreme": 0, "xtreme-premium": 1, "xtreme-elite": 1}
    assert all(p.queue_rank == 0 for p in load_preset("erpm").packages.values())
    text = "\n".join(catalog_summary(infor))
    assert "xtreme-premium: Xtreme Premium Support — €0.00/month, calendar office, includes xtreme, queue rank 1" in text


def test_queue_rank_is_a_small_whole_number():
    for bad in ("10", "-1", "true", '"1"'):
        with pytest.raises(CatalogError, match=r"packages\.xtreme-premium\.queue_rank: must be a whole number from 0 to 9"):
            parse_catalog(preset_text("infor").replace("queue_rank = 1", f"queue_rank = {bad}"))


# ----------------------------------------------------------------------- the schema
def test_the_schema_knows_the_three_keys():
    assert schema_errors(preset_text("erpm")) == []
    assert schema_errors(preset_text("infor") + PRODUCT_RULES) == []
    assert schema_errors(preset_text("infor").replace("queue_rank = 1", "queue_rank = 12"))
    assert schema_errors(preset_text("infor") + PRODUCT_RULES.replace('products = ["Infor LN", "LN"]', 'products = "LN"'))
    assert schema_errors(preset_text("erpm").replace('indicative = ["resolution"]', 'indicative = ["resolve"]'))
