"""``meldpunt catalog check / diff / schema``, the JSON Schema, and the worked example of
docs/catalogs.md (a Bavarian vendor with a Boston office, docs/examples/alpenlogik.toml)."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from django.utils import translation

from meldpunt.cli import main
from meldpunt.cli_catalog import schema_text
from meldpunt.contracts.catalog_words import catalog_error_words
from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import PRESETS, load_catalog, parse_catalog, preset_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "alpenlogik.toml"
SCHEMA = json.loads(schema_text())


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def deadline(capsys, *args: str) -> dict:
    code, out, err = run(capsys, "deadline", "--catalog", str(EXAMPLE), *args, "--json")
    assert code == 0, err
    return json.loads(out)


# ------------------------------------------------------------------- check
def test_check_prints_calendars_priorities_packages_and_target_tables(capsys):
    code, out, _ = run(capsys, "catalog", "check", str(EXAMPLE))
    assert code == 0
    assert out.startswith("Alpenlogik (alpenlogik), version 2027.1: EUR, VAT 19%")
    assert "  office: Munich office, weekdays 08:00–18:00 — Europe/Berlin" in out
    assert ("    holidays: DE-BY; except Epiphany; plus every year 12-24 Christmas Eve, 12-31 New Year's Eve; "
            "open on 2027-05-17") in out
    assert "    holidays: US; plus every year 12-24 Christmas Eve" in out
    assert "Priority: categories, levels P1, P2, P3, P4, default P3" in out
    basic = out[out.index("  basic:"):out.index("  premium:")]
    rows = [re.split(r"\s{2,}", line.strip()) for line in basic.splitlines()[4:]]
    assert rows == [
        ["P1", "incident, change", "2h", "1bd", "office"],
        ["P2", "incident, change", "4h", "3bd", "office"],
        ["P3", "incident, change", "1bd", "planning", "office"],
        ["P4", "all", "3bd", "planning", "office"],
    ]
    premium = out[out.index("  premium:"):]
    assert re.search(r"P1\s+incident\s+1h\s+8h\s+boston", premium)  # P1 incidents run on Boston's hours
    assert re.search(r"P1\s+change\s+1h\s+8h\s+office", premium)
    assert out.rstrip().endswith("OK: " + str(EXAMPLE) + " is a valid catalog.")


@pytest.mark.parametrize("preset", PRESETS)
def test_check_accepts_every_preset(capsys, preset):
    code, out, _ = run(capsys, "catalog", "check", preset, "--language", "nl")
    assert code == 0 and "prioriteit" in out and f"OK: {preset} is een geldige catalogus." in out


def test_check_speaks_dutch_and_english(capsys):
    """Issue 21: the summary's words follow --language (else the shell's); ids stay as written."""
    code, out, _ = run(capsys, "catalog", "check", "erpm", "--language", "nl")
    assert code == 0 and out.startswith("ERP.M (erpm), versie 2026.1: EUR, btw 21%\nSoorten verzoeken: incident,")
    assert "Pakketten (3):" in out and "  small: PrioritySupport Small — € 195,00/maand, kalender workdays" in out
    assert re.search(r"prioriteit\s+soorten\s+reactie\s+oplossing\s+kalender", out)
    code, out, _ = run(capsys, "catalog", "check", "erpm", "--language", "en")
    assert code == 0 and out.startswith("ERP.M (erpm), version 2026.1: EUR, VAT 21%\nRequest kinds: incident,")
    assert "Packages (3):" in out and "  small: PrioritySupport Small — €195.00/month, calendar workdays" in out
    assert out.rstrip().endswith("OK: erpm is a valid catalog.")


def test_check_refuses_a_broken_file_with_one_line(capsys, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(EXAMPLE.read_text("utf-8").replace('response = "4h"', 'response = "4 hours"'), "utf-8")
    code, out, err = run(capsys, "catalog", "check", str(broken))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert re.match(rf"meldpunt catalog: {re.escape(str(broken))}:\d+: packages\.basic\.targets\[1\]\.response: "
                    r"'4 hours' is not a target", err)


def test_a_refused_file_is_one_line_in_the_readers_language(capsys, tmp_path):
    """Issue 21: the loader's reasons are codes worded in the reader's language; file, line and
    field stay as written."""
    broken = tmp_path / "broken.toml"
    broken.write_text(EXAMPLE.read_text("utf-8").replace('response = "4h"', 'response = "4 hours"'), "utf-8")
    code, out, err = run(capsys, "catalog", "check", str(broken), "--language", "nl")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert re.fullmatch(rf"meldpunt catalog: {re.escape(str(broken))}:\d+: packages\.basic\.targets\[1\]\.response: "
                        r"'4 hours' is geen doeltijd zoals 90m, 2h, 3bd of planning\n", err), err
    untyped = tmp_path / "untyped.toml"
    untyped.write_text(EXAMPLE.read_text("utf-8").replace('id = "alpenlogik"', "id = 7"), "utf-8")
    for language, reason in (("nl", "id: moet een str zijn"), ("en", "id: must be a str")):
        code, out, err = run(capsys, "catalog", "check", str(untyped), "--language", language)
        assert code == 2 and err.endswith(f": {reason}\n"), err
    for language, reason in (("nl", "file: bestand bestaat niet"), ("en", "file: no such file")):
        code, out, err = run(capsys, "catalog", "check", str(tmp_path / "gone.toml"), "--language", language)
        assert code == 2 and err == f"meldpunt catalog: {tmp_path / 'gone.toml'}: {reason}\n"


def test_a_catalog_rules_own_reason_reads_in_dutch_and_stays_english_for_logs(capsys, tmp_path):
    """Issue 21: the reasons of the catalog's own rules (holidays, escalation, shares with a
    percent sign, the VAT rate) are worded in the reader's language; ``str(error)`` is English."""
    cases = (
        ('subdivision = "BY"', 'subdivision = "ZZ"', r"calendars\.office\.holidays\.subdivision",
         "'ZZ' is not a subdivision of DE; subdivisions: ", "'ZZ' is geen deelgebied van DE; deelgebieden: "),
        ('vat_rate = "19"', 'vat_rate = "negentien"', r"vat_rate",
         'must be a percentage such as "21"', 'moet een percentage zijn, zoals "21"'),
        ('mon = ["08:00-18:00"]', 'mon = ["18:00-08:00"]', r"calendars\.office\.hours",
         "'18:00-08:00' must start before it ends", "'18:00-08:00' moet beginnen voordat het eindigt"),
    )
    for old, new, field, english, dutch in cases:
        broken = tmp_path / "broken.toml"
        broken.write_text(EXAMPLE.read_text("utf-8").replace(old, new), "utf-8")
        with pytest.raises(CatalogError) as info:
            load_catalog(str(broken))
        assert english in str(info.value)
        for language, reason in (("nl", dutch), ("en", english)):
            code, out, err = run(capsys, "catalog", "check", str(broken), "--language", language)
            assert code == 2 and out == "" and err.count("\n") == 1, err
            assert re.match(rf"meldpunt catalog: {re.escape(str(broken))}:\d+: {field}: {re.escape(reason)}", err), err
    share = preset_text("erpm").replace('warnings = ["50%", "80%", "30m"]', 'warnings = ["50%", "100%", "30m"]')
    with pytest.raises(CatalogError) as info:
        parse_catalog(share, "erpm.toml")
    assert str(info.value).endswith("escalation.warnings[1]: '100%' must lie between 1% and 99% of the target")
    with translation.override("nl"):
        assert catalog_error_words(info.value).endswith(
            "escalation.warnings[1]: '100%' moet tussen 1% en 99% van de doeltijd liggen")


def test_the_summarys_holidays_weekend_and_channels_read_in_dutch(capsys):
    """Issue 21: the holidays, the special-event weekend, the channels and the target tables'
    "all" of ``catalog check`` are worded in the reader's language; ids stay as written."""
    code, out, _ = run(capsys, "catalog", "check", str(EXAMPLE), "--language", "nl")
    assert code == 0
    assert ("    feestdagen: DE-BY; behalve Epiphany; plus elk jaar 12-24 Kerstavond, 12-31 Oudejaarsdag; "
            "open op 2027-05-17") in out
    code, out, _ = run(capsys, "catalog", "check", "infor", "--language", "nl")
    assert code == 0 and "Special-event weekend" not in out and " all " not in out
    assert "  venster: sat 00:00 – mon 00:00 (Europe/Amsterdam), bezet 00:00–24:00" in out
    assert "  boeken: 1 per contractjaar, minstens 14 dagen vooraf" in out
    assert re.search(r"\n    critical +alle +", out), out
    code, out, _ = run(capsys, "catalog", "check", "erpm", "--language", "nl")
    assert code == 0
    assert "\nKanalen (3):\n  monitoring: vereist monitoring, kalender van het pakket\n" in out
    assert "\nContactpunten: geen\n" in out
    code, out, _ = run(capsys, "catalog", "check", "erpm", "--language", "en")
    assert "\nChannels (3):\n  monitoring: needs monitoring, calendar of the package\n" in out
    assert "\nContacts: none\n" in out


# -------------------------------------------------------------------- diff
def test_diff_names_each_change_and_the_closed_days_a_holiday_change_moves(capsys, tmp_path):
    new = tmp_path / "new.toml"
    new.write_text(EXAMPLE.read_text("utf-8")
                   .replace('version = "2027.1"', 'version = "2027.2"')
                   .replace('monthly_price = "250.00"', 'monthly_price = "260.00"')
                   .replace('except = ["Epiphany"]', "except = []")
                   .replace('response = "1h"\nresolution = "8h"', 'response = "30m"\nresolution = "8h"'), "utf-8")
    code, out, _ = run(capsys, "catalog", "diff", str(EXAMPLE), str(new), "--years", "2027-2028")
    assert code == 1
    lines = out.splitlines()
    assert "~ version: 2027.1 → 2027.2" in lines
    assert "~ packages.basic.monthly_price: 250.00 → 260.00" in lines
    assert ("~ calendars.office.holidays: DE-BY; except Epiphany; plus every year 12-24 Christmas Eve, "
            "12-31 New Year's Eve; open on 2027-05-17 → DE-BY; plus every year 12-24 Christmas Eve, "
            "12-31 New Year's Eve; open on 2027-05-17") in lines
    assert ("~ packages.premium.targets.P1.incident: response 1h, resolution 8h, calendar boston → "
            "response 30m, resolution 8h, calendar boston") in lines
    assert "  calendar office: closed on 2027-01-06 (Epiphany)" in lines
    assert "  calendar office: closed on 2028-01-06 (Epiphany)" in lines
    assert not any("basic.targets" in line for line in lines)  # basic's targets did not change


def test_diff_speaks_the_shells_language(capsys, tmp_path, monkeypatch):
    """The facts' words are the reader's (gettext); the catalog's own names and values stay."""
    new = tmp_path / "new.toml"
    new.write_text(EXAMPLE.read_text("utf-8").replace('except = ["Epiphany"]', "except = []")
                   .replace('mon = ["08:00-18:00"]', 'mon = ["08:30-18:00"]', 1)
                   .replace('response = "1h"\nresolution = "8h"', 'response = "30m"\nresolution = "8h"'), "utf-8")
    monkeypatch.setenv("LANGUAGE", "nl")
    code, out, _ = run(capsys, "catalog", "diff", str(EXAMPLE), str(new), "--years", "2027-2027")
    lines = out.splitlines()
    assert code == 1
    assert ("~ calendars.office.holidays: DE-BY; behalve Epiphany; plus elk jaar 12-24 Christmas Eve, "
            "12-31 New Year's Eve; open op 2027-05-17 → DE-BY; plus elk jaar 12-24 Christmas Eve, "
            "12-31 New Year's Eve; open op 2027-05-17") in lines
    assert ("~ packages.premium.targets.P1.incident: reactie 1h, oplossing 8h, kalender boston → "
            "reactie 30m, oplossing 8h, kalender boston") in lines
    assert "  kalender office: gesloten op 2027-01-06 (Epiphany)" in lines
    assert any(line.startswith("~ calendars.") and ".hours: ma–vr 08:00–18:00 → ma 08:30–18:00; di–vr 08:00–18:00" in line
               for line in lines), lines


def test_diff_of_equal_catalogs_says_so(capsys, tmp_path):
    same = tmp_path / "same.toml"
    same.write_text("# only a comment differs\n" + preset_text("erpm"), "utf-8")
    code, out, _ = run(capsys, "catalog", "diff", "erpm", str(same))
    assert code == 0 and out.strip() == "No changes a customer or agent would notice."


# ------------------------------------------------------------------ schema
def _json_ready(value):
    """TOML dates are dates; a JSON Schema sees the ISO text an editor shows."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def schema_errors(text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(_json_ready(tomllib.loads(text)))]


def test_the_schema_is_a_valid_json_schema_and_printed_by_the_command(capsys):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    code, out, _ = run(capsys, "catalog", "schema")
    assert code == 0 and json.loads(out) == SCHEMA


@pytest.mark.parametrize("name", [*PRESETS, "example"])
def test_the_schema_accepts_the_presets_and_the_example(name):
    text = EXAMPLE.read_text("utf-8") if name == "example" else preset_text(name)
    assert schema_errors(text) == []


BROKEN = [
    ('id = "alpenlogik"', 'id = 7', "id"),
    ('currency = "EUR"', 'currency = "euro"', "currency"),
    ('timezone = "Europe/Berlin"', "timezone = 1", "calendars/office/timezone"),
    ('mon = ["08:00-18:00"], tue', 'mon = ["8-18"], tue', "calendars/office/hours/mon/0"),
    ('subdivision = "BY"', 'subdivison = "BY"', "calendars/office/holidays"),
    ('{ date = "12-24", name = { en', '{ date = "24-12", name = { en', "calendars/office/holidays/extra/0/date"),
    ('scheme = "categories"', 'scheme = "ranking"', "priority/scheme"),
    ('default = "P3"\n', "", "priority"),
    ('monthly_price = "250.00"', "monthly_price = 250.0", "packages/basic/monthly_price"),
    ('response = "4h"', 'response = "4 hours"', "packages/basic/targets/1/response"),
    ('covers = ["incident", "question"]', 'covers = ["incident", "bug"]', "packages/basic/covers/1"),
    ('entitlements = ["phone_support"]', 'entitlements = ["phone"]', "packages/premium/entitlements/0"),
]


@pytest.mark.parametrize("old, new, path", BROKEN, ids=[b[2] for b in BROKEN])
def test_the_schema_and_the_loader_both_refuse_broken_catalogs(old, new, path):
    text = EXAMPLE.read_text("utf-8")
    assert old in text
    broken = text.replace(old, new, 1)
    errors = schema_errors(broken)
    assert any(e.startswith(path + ":") or e.startswith(path) for e in errors), errors
    with pytest.raises(CatalogError):
        parse_catalog(broken, "broken.toml")


# ----------------------------------------------------------- worked example
def test_the_example_loads_and_its_deadlines_follow_its_policy(capsys):
    catalog = load_catalog(str(EXAMPLE))
    assert list(catalog.packages) == ["basic", "premium"]
    # Basic P2, Wed 2027-05-26 16:00 CEST + 4h: 2h that day, Corpus Christi (Bavaria) closed,
    # Fri 08:00 + 2h.
    result = deadline(capsys, "--package", "basic", "--priority", "P2", "--metric", "response",
                      "--received", "2027-05-26T16:00:00+02:00")
    assert result["due"] == "2027-05-28T10:00:00+02:00"
    assert "Skipped holiday: Thursday 27 May 2027, Corpus Christi" in result["explanation"]
    # Whit Monday 2027 is removed: open. Fri 2027-05-14 17:00 + 2h = Mon 17 May 09:00.
    result = deadline(capsys, "--package", "basic", "--priority", "P1", "--metric", "response",
                      "--received", "2027-05-14T17:00:00+02:00")
    assert result["due"] == "2027-05-17T09:00:00+02:00"
    # Christmas Eve is the vendor's own day: Thu 2027-12-23 17:00 + 2h → Mon 27 Dec 09:00.
    result = deadline(capsys, "--package", "basic", "--priority", "P1", "--metric", "response",
                      "--received", "2027-12-23T17:00:00+01:00")
    assert result["due"] == "2027-12-27T09:00:00+01:00"
    # Premium P1 incidents run in Boston: Thanksgiving Thu 2027-11-25 is closed there.
    result = deadline(capsys, "--package", "premium", "--priority", "P1", "--metric", "response",
                      "--received", "2027-11-24T19:30:00-05:00")
    assert result["calendar"] == "boston" and result["due"] == "2027-11-26T08:30:00-05:00"


def test_the_example_refuses_impact_and_urgency(capsys):
    code, _, err = run(capsys, "deadline", "--catalog", str(EXAMPLE), "--package", "basic", "--metric", "response",
                       "--impact", "high", "--urgency", "high", "--received", "2027-01-04T10:00")
    assert code == 2 and "has priority categories (P1, P2, P3, P4), not impact × urgency" in err
