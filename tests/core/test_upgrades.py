"""The upgrade reminder's rounds and catalog table (seed 000: "Wij raden u aan om ten minste eenmaal per
jaar te upgraden naar de dan nieuwste productieversie")."""

from datetime import date

import pytest

from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_preset, parse_catalog, preset_text
from meldpunt.core.upgrades import add_months, reminder_round


def test_a_round_falls_due_on_each_anniversary():
    since = date(2025, 11, 1)
    assert reminder_round(since, date(2026, 10, 31), 12) == 0
    assert reminder_round(since, date(2026, 11, 1), 12) == 1
    assert reminder_round(since, date(2027, 10, 31), 12) == 1
    assert reminder_round(since, date(2027, 11, 1), 12) == 2
    assert reminder_round(since, date(2025, 1, 1), 12) == 0  # before it was installed


def test_the_end_of_a_month_and_a_leap_day_move_to_the_months_last_day():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert reminder_round(date(2024, 2, 29), date(2025, 2, 27), 12) == 0
    assert reminder_round(date(2024, 2, 29), date(2025, 2, 28), 12) == 1


def test_invantive_asks_for_a_yearly_upgrade_to_production_or_lts_and_erpm_does_not():
    policy = load_preset("invantive").upgrade_reminder
    assert policy is not None and policy.every_months == 12 and policy.release_states == ("production", "lts")
    assert "ten minste eenmaal per jaar" in policy.text("nl")
    assert load_preset("erpm").upgrade_reminder is None and load_preset("infor").upgrade_reminder is None


@pytest.mark.parametrize("line, reason", [("every_months = 0", "from 1 to 120"),
                                          ('release_states = ["beta"]', "beta")])
def test_a_bad_upgrade_table_names_the_field(line, reason):
    text = preset_text("invantive").replace("every_months = 12", line, 1)
    if "release_states" in line:
        text = preset_text("invantive").replace('release_states = ["production", "lts"]', line, 1)
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "invantive.toml")
    assert bad.value.field.startswith("upgrade_reminder.") and reason in bad.value.reason
