"""The ``[special_weekend]`` catalog table: Infor's weekend as data, another vendor's own, bad
keys named, old catalogs still loading, and the calendar with a booked window's hours."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from meldpunt.core.businesstime import epoch
from meldpunt.core.calendars import build_calendar
from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_preset, parse_catalog, preset_text
from meldpunt.core.coverage import check_weekend
from meldpunt.core.due import due_at
from meldpunt.core.sla import Target
from meldpunt.triage.reason_words import reason_words  # reasons are worded by the app
from meldpunt.triage.weekend_words import weekend_summary  # the summary's words live with the app

AMS = ZoneInfo("Europe/Amsterdam")
NY = ZoneInfo("America/New_York")


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.fixture(scope="module")
def infor():
    return load_preset("infor")


def test_infors_weekend_is_data_saturday_to_monday_all_issues_all_urgencies_standard_products_in_english(infor):
    """"Eén weekend per jaar krijgt u ondersteuning voor alle urgentieniveaus [...] al uw
    vraagstukken [...] De aanvraag voor het weekend moet u twee weken van tevoren indienen [...]
    geldt alleen voor standaardproducten. De voertaal is Engels.\""""
    rule = infor.special_weekend
    assert rule.window(date(2026, 3, 28)) == (ams(2026, 3, 28), ams(2026, 3, 30))  # summer time starts inside
    assert rule.kinds == {"incident", "question"} and rule.priorities == set(infor.priority.levels)
    assert (rule.notice_days, rule.per_year, rule.language, rule.standard_only) == (14, 1, "en", True)
    assert rule.misses(kind="question", priority="low", text="Posting stops") == []
    assert rule.misses(kind="change", priority="low") == ["kind"]
    assert rule.misses(kind="incident", priority="low", text="Our customised invoice layout") == ["product"]
    assert rule.misses(kind="incident", priority="low", text="Our customised invoice layout", scope="standard") == []
    assert "support in English" in weekend_summary(rule, "en") and "in het Engels" in weekend_summary(rule, "nl")


def test_the_normal_calendar_plus_the_window_hours_counts_inside_and_continues_after(infor):
    office = infor.calendar("office")
    plain = build_calendar(office)
    booked = build_calendar(office, extra_hours=infor.special_weekend.open_hours(date(2026, 3, 7)))
    sunday_night = epoch(ams(2026, 3, 8, 22, 0))
    assert due_at(plain, Target.parse("4h"), sunday_night)[1] == epoch(ams(2026, 3, 9, 13, 0))
    assert due_at(booked, Target.parse("4h"), sunday_night)[1] == epoch(ams(2026, 3, 9, 11, 0))
    friday = epoch(ams(2026, 3, 6, 16, 0))  # registered before it: the weekend's hours would count ...
    assert due_at(booked, Target.parse("2h"), friday)[1] == epoch(ams(2026, 3, 7, 1, 0))
    # ... which is why only requests registered inside the window get this calendar (triage.weekends)


OTHER_VENDOR = """
[special_weekend]
entitlement = "special_event_weekend"
starts = "fri 18:00"
ends = "sun 20:00"
hours = ["08:00-20:00"]
timezone = "America/New_York"
notice_days = 30
per_year = 2
priorities = ["critical", "high"]
products = "all"
"""


def test_another_vendor_describes_its_own_weekend():
    text = preset_text("infor").split("[special_weekend]")[0] + OTHER_VENDOR
    rule = parse_catalog(text, "other.toml").special_weekend
    assert rule.window(date(2026, 6, 5)) == (datetime(2026, 6, 5, 18, 0, tzinfo=NY), datetime(2026, 6, 7, 20, 0, tzinfo=NY))
    assert rule.open_hours(date(2026, 6, 5)) == {date(2026, 6, 5): ((1080, 1200),), date(2026, 6, 6): ((480, 1200),),
                                                 date(2026, 6, 7): ((480, 1200),)}
    assert rule.kinds is None and rule.misses(kind="question", priority="medium") == ["priority"]
    assert rule.misses(kind="change", priority="high", text="custom") == []
    assert "From Friday 18:00 to Sunday 20:00, staffed 08:00–20:00" in weekend_summary(rule, "en")
    scheme = parse_catalog(text, "other.toml").priority  # levels by the catalog's names, most urgent first
    nl = weekend_summary(rule, "nl", scheme)
    assert f"{scheme.label('critical', 'nl')}, {scheme.label('high', 'nl')}" in nl and "critical" not in nl
    kinds = parse_catalog(text.replace('products = "all"', 'products = "all"\nkinds = ["incident", "change"]'), "o.toml")
    assert "Wijzigingsverzoek, Incident" in weekend_summary(kinds.special_weekend, "nl")  # kinds by their names
    kw = dict(today=date(2026, 5, 1), starts_on=date(2026, 1, 1), ends_on=None, notice_days=30, start_day=4,
              per_year=2)
    assert check_weekend(entitled=True, saturday=date(2026, 6, 5), booked=[date(2026, 2, 6)], **kw) == []
    again = check_weekend(entitled=True, saturday=date(2026, 6, 5), booked=[date(2026, 2, 6), date(2026, 3, 6)], **kw)
    assert [r.code for r in again] == ["one_per_year"] and "already has its 2 weekends" in str(again[0])
    assert "begint op een vrijdag" in reason_words(check_weekend(entitled=True, saturday=date(2026, 6, 6), booked=[], **kw)[0], "nl")


@pytest.mark.parametrize("line, field, reason", [
    ('starts = "saturday 00:00"', "special_weekend.starts", "unknown weekday"),
    ('ends = "mon 25:00"', "special_weekend.ends", "00:00–23:59"),
    ('hours = ["20:00-08:00"]', "special_weekend.hours", "must start before it ends"),
    ('kinds = ["holiday"]', "special_weekend.kinds", "unknown value 'holiday'"),
    ('priorities = ["urgent"]', "special_weekend.priorities", "unknown value 'urgent'"),
    ('products = "some"', "special_weekend.products", 'must be "all" or "standard"'),
    ('language = "de"', "special_weekend.language", 'must be "nl" or "en"'),
    ('notice_days = -1', "special_weekend.notice_days", "whole number from 0 to 3650"),
    ('per_year = 0', "special_weekend.per_year", "whole number from 1 to 52"),
    ('timezone = "Mars/Olympus"', "special_weekend.timezone", "not an IANA time zone"),
    ('entitlement = "free_lunch"', "special_weekend.entitlement", "unknown entitlement"),
    ('window = "sat"', "special_weekend.window", "unknown key"),
])
def test_bad_weekend_data_names_the_field(line, field, reason):
    key = line.split(" = ")[0]
    head, table = preset_text("infor").split("[special_weekend]\n")
    kept = "\n".join(ln for ln in table.splitlines() if not ln.startswith(f"{key} = "))
    text = f"{head}[special_weekend]\n{line}\n{kept}\n"
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "infor.toml")
    assert bad.value.field == field and reason in bad.value.reason, bad.value


def test_catalogs_from_before_the_table_still_load_as_the_incident_weekend_they_described():
    old = preset_text("infor").split("# ---------------------------------------------------------- special")[0]
    old = old.replace("[coverage]\n", '[coverage]\nweekend_calendar = "24x7"\nweekend_notice_days = 10\n')
    rule = parse_catalog(old, "infor.toml").special_weekend
    assert (rule.kinds, rule.priorities, rule.notice_days, rule.standard_only) == ({"incident"}, None, 10, False)
    both = preset_text("infor").replace("[coverage]\n", '[coverage]\nweekend_calendar = "24x7"\n')
    with pytest.raises(CatalogError) as bad:
        parse_catalog(both, "infor.toml")
    assert bad.value.field == "coverage.weekend_calendar" and "replaced by [special_weekend]" in bad.value.reason
    moon = old.replace('weekend_calendar = "24x7"', 'weekend_calendar = "moon"')
    with pytest.raises(CatalogError, match="no calendar 'moon'"):
        parse_catalog(moon, "infor.toml")


def test_catalogs_without_the_table_offer_no_weekend():
    assert load_preset("erpm").special_weekend is None and load_preset("invantive").special_weekend is None


def test_catalog_check_and_diff_show_the_weekend_and_the_schema_knows_its_keys(capsys, tmp_path):
    import json
    import tomllib

    import jsonschema

    from meldpunt.cli import main
    from meldpunt.cli_catalog import schema_text

    assert main(["catalog", "check", "infor"]) == 0
    out = capsys.readouterr()[0]
    weekend = out[out.index("Special-event weekend:"):]
    assert "  window: sat 00:00 – mon 00:00 (Europe/Amsterdam), staffed 00:00–24:00" in weekend
    assert "  booking: 1 per agreement year, at least 14 days ahead" in weekend
    assert "  kinds: incident, question" in weekend and "  language: en" in weekend
    assert "  products: standard only" in weekend
    changed = tmp_path / "infor.toml"
    changed.write_text(preset_text("infor").replace('ends = "mon 00:00"', 'ends = "sun 20:00"'), "utf-8")
    assert main(["catalog", "diff", "infor", str(changed)]) == 1
    assert ("~ special_weekend.window: sat 00:00 – mon 00:00 (Europe/Amsterdam), staffed 00:00–24:00 → "
            "sat 00:00 – sun 20:00 (Europe/Amsterdam), staffed 00:00–24:00") in capsys.readouterr()[0]
    validator = jsonschema.Draft202012Validator(json.loads(schema_text()))
    assert list(validator.iter_errors(tomllib.loads(preset_text("infor")))) == []
    bad = tomllib.loads(preset_text("infor").replace('starts = "sat 00:00"', 'starts = "saturday"')
                        .replace('products = "standard"', 'products = "some"').replace("notice_days = 14", "noticedays = 14"))
    paths = sorted("/".join(map(str, e.absolute_path)) for e in validator.iter_errors(bad))
    assert paths == ["special_weekend", "special_weekend/products", "special_weekend/starts"]


def test_catalog_check_tells_an_old_catalog_to_write_the_table(capsys, tmp_path):
    from meldpunt.cli import main

    old = preset_text("infor").split("# ---------------------------------------------------------- special")[0]
    path = tmp_path / "old.toml"
    path.write_text(old.replace("[coverage]\n", '[coverage]\nweekend_calendar = "24x7"\n'), "utf-8")
    assert main(["catalog", "check", str(path)]) == 0
    assert "note: read from [coverage] weekend_calendar" in capsys.readouterr()[0]
