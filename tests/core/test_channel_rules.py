"""Channel hours and contact numbers as catalog data (issue 20 item 1), each test quoting its seed."""

import pytest

from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import load_preset, parse_catalog, preset_text
from meldpunt.core.channels import channel_calendar, channel_refusal, channel_state
from meldpunt.core.contact_points import contacts_for


def _state(catalog, channel, package, addons, open_calendars):
    granted = catalog.entitlements(package, addons)
    return channel_state(channel, catalog.channels.get(channel), granted, package,
                         catalog.package(package).calendar, addons, lambda cal: cal in open_calendars)


def test_infor_phone_keeps_the_coverage_hours_of_the_package_and_priority():
    """Seed 003: "Tijdens de dekkingstijden van uw supportpakket kunt u telefonisch contact opnemen met ons
    ondersteuningsteam"; critical issues "24 uur per werkdag" (Xtreme), "24 uur per dag, 7 dagen per week" (Premium)."""
    infor = load_preset("infor")
    rule = infor.channels["phone"]
    assert channel_calendar(rule, "xtreme", "office", (), priority="medium") == "office"
    assert channel_calendar(rule, "xtreme", "office", (), priority="critical") == "workday-24h"
    assert channel_calendar(rule, "xtreme-premium", "office", (), priority="critical") == "24x7"
    assert channel_calendar(rule, "xtreme-elite", "office", (), priority="critical") == "24x7"
    # Saturday night: only the 24×7 calendar is open: Premium's phone is open for critical issues only.
    night = _state(infor, "phone", "xtreme-premium", (), {"24x7"})
    assert night.open and not night.open_for_all and [h.priorities for h in night.only] == [frozenset({"critical"})]
    assert not _state(infor, "phone", "xtreme", (), {"24x7"}).open
    # A workday night: Xtreme's critical line is open (24 hours per workday).
    assert _state(infor, "phone", "xtreme", (), {"workday-24h", "24x7"}).open
    assert _state(infor, "phone", "xtreme", (), {"office", "workday-24h", "24x7"}).open_for_all


def test_erpm_premium_has_an_emergency_line_for_incidents_on_premium_hours():
    """Seed 004: PrioritySupport Premium "noodnummer voor incidenten", "incidenten meldingen 06:00-23:00";
    the packages say "geen noodnummer"."""
    erpm = load_preset("erpm")
    premium = _state(erpm, "emergency", "small", ("premium",), {"premium-incidents"})
    assert premium.granted and premium.open_for_all
    assert not _state(erpm, "emergency", "small", ("premium",), {"workdays"}).open
    plain = _state(erpm, "emergency", "small", (), {"premium-incidents", "workdays"})
    assert not plain.granted and not plain.open
    rules = erpm.channels
    assert channel_refusal(rules, "emergency", erpm.entitlements("small", ("premium",)), "incident") is None
    assert "only incident" in channel_refusal(rules, "emergency", erpm.entitlements("small", ("premium",)), "question")
    assert "emergency_number" in channel_refusal(rules, "emergency", erpm.entitlements("small", ()), "incident")
    # The ordinary phone line keeps "werkdagen 09:00-17:00", also with Premium.
    assert not _state(erpm, "phone", "small", ("premium",), {"premium-incidents"}).open


def test_a_vendor_without_an_emergency_line_refuses_requests_by_it():
    invantive = load_preset("invantive")
    assert "no emergency channel" in channel_refusal(invantive.channels, "emergency", frozenset(), "incident")
    assert not _state(invantive, "emergency", "subscription", (), {"service"}).granted


def test_invantive_contact_numbers_are_the_ones_the_policy_gives():
    """Seed 001: "To consultancy for installation of software you can contact our support using phone
    (+31 88 00 26 599)"; "A new subscription key can be requested using phone (+31 88 00 26 599)";
    "please contact our sales team at +31 88 00 26 500". Seed 000: "een e-mail te sturen naar
    license@invantive.com"."""
    invantive = load_preset("invantive")
    values = lambda kind: [p.value for p in contacts_for(invantive.contacts, "subscription", (), kind)]  # noqa: E731
    assert values("installation") == ["+31 88 00 26 599"]
    assert values("licence_key") == ["+31 88 00 26 599", "license@invantive.com"]
    assert values("consultant") == ["+31 88 00 26 500"]
    assert values("question") == []
    assert contacts_for(invantive.contacts, "subscription")[0].href == "tel:+31880026599"


def test_presets_hold_no_number_the_policies_do_not_give():
    """Seeds 003 and 004 give no phone number or address: their presets list none."""
    assert load_preset("infor").contacts == () and load_preset("erpm").contacts == ()


def test_bad_channel_hours_and_contacts_are_refused_with_the_field():
    text = preset_text("infor").replace('calendar = "workday-24h"\n\n[[channels', 'calendar = "nightly"\n\n[[channels', 1)
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "infor.toml")
    assert bad.value.field == "channels.phone.hours[0].calendar" and "nightly" in bad.value.reason
    text = preset_text("infor").replace('packages = ["xtreme"]\npriorities', 'packages = ["xtreme-gold"]\npriorities')
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "infor.toml")
    assert bad.value.field == "channels.phone.hours[0].packages" and "xtreme-gold" in bad.value.reason
    text = preset_text("invantive").replace('phone = "+31 88 00 26 500"', 'phone = "call us"')
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "invantive.toml")
    assert bad.value.field == "contacts[2].phone" and "not a phone number" in bad.value.reason
    text = preset_text("invantive").replace('email = "license@invantive.com"', 'email = "x@y.nl"\nphone = "+31 1 234567"')
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "invantive.toml")
    assert bad.value.field == "contacts[1]" and "exactly one" in bad.value.reason
