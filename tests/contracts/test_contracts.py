"""Catalog versions, agreement limits and the admin, in Dutch and English."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from meldpunt.contracts.models import CatalogVersion
from meldpunt.contracts.services import check_limits, current_version, load_catalog_text, validate_agreement
from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import preset_text
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def test_loading_the_presets_twice_stores_each_version_once():
    f.catalogs()
    f.catalogs()
    assert sorted(CatalogVersion.objects.values_list("vendor", flat=True)) == ["erpm", "infor", "invantive"]


def test_a_new_catalog_version_never_moves_running_agreements():
    org = f.organisation()
    old = f.agreement(org, "erpm", "small")
    faster = preset_text("erpm").replace('version = "2026.1"', 'version = "2027.1"').replace(
        'priority = "A"\nresponse = "2h"', 'priority = "A"\nresponse = "1h"', 1)
    version, created = load_catalog_text(faster, "erpm-2027.toml")
    assert created and current_version("erpm") == version
    new = f.agreement(org, "erpm", "small")
    received = f.ams(2026, 12, 1, 9, 0)
    on_old, _ = create_ticket(NewRequest(organisation=org, agreement=old, subject="x", impact="organisation", urgency="high", received_at=received))
    on_new, _ = create_ticket(NewRequest(organisation=org, agreement=new, subject="y", impact="organisation", urgency="high", received_at=received))
    assert on_old.clocks.get(metric="response").due_at == f.ams(2026, 12, 1, 11, 0)
    assert on_new.clocks.get(metric="response").due_at == f.ams(2026, 12, 1, 10, 0)


def test_a_bad_catalog_file_is_refused_by_the_command(tmp_path):
    bad = tmp_path / "erpm-bad.toml"
    bad.write_text(preset_text("erpm").replace('response = "2h"', 'response = "2 hours"', 1))
    with pytest.raises(Exception) as info:
        call_command("load_catalogs", str(bad))
    assert "erpm-bad.toml" in str(info.value) and "packages.small.targets[0].response" in str(info.value)
    with pytest.raises(CatalogError):
        load_catalog_text(bad.read_text(), "erpm-bad.toml")



def test_load_catalogs_words_a_catalog_rules_refusal_in_the_readers_language(tmp_path):
    """Issue 21: a catalog rule's own reason (here the currency) reads in Dutch or English;
    file, line and field stay as written."""
    bad = tmp_path / "erpm-bad.toml"
    bad.write_text(preset_text("erpm").replace('currency = "EUR"', 'currency = "euro"', 1))
    for language, reason in (("nl", "'euro' is geen ISO 4217-code zoals EUR"),
                             ("en", "'euro' is not an ISO 4217 code such as EUR")):
        with translation.override(language), pytest.raises(CommandError) as info:
            call_command("load_catalogs", str(bad))
        assert str(info.value) == f"{bad}:5: currency: {reason}"

def test_a_26th_user_on_small_is_flagged():
    org = f.organisation()
    within = f.agreement(org, "erpm", "small", declared_users=25, declared_customisation_lines=2500)
    over = f.agreement(org, "erpm", "small", declared_users=26, declared_customisation_lines=3000)
    assert check_limits(within) == []
    assert [str(e) for e in check_limits(over)] == [
        "users: 26 declared, package allows 25",
        "customisation lines: 3000 declared, package allows 2500",
    ]
    with translation.override("nl"):
        assert [str(e) for e in check_limits(over)] == [
            "gebruikers: 26 opgegeven, het pakket staat 25 toe",
            "maatwerkregels: 3000 opgegeven, het pakket staat 2500 toe",
        ]
    assert check_limits(over)[0].words() == {"en": "users: 26 declared, package allows 25",
                                              "nl": "gebruikers: 26 opgegeven, het pakket staat 25 toe"}


def test_an_addon_needs_its_package():
    org = f.organisation()
    infor = f.agreement(org, "infor", "xtreme", addons=["premium"])
    assert validate_agreement(infor) == ["catalog infor has no add-on 'premium'; add-ons: none"]
    erpm = f.agreement(org, "erpm", "medium", addons=["premium", ("koppeling", 3)])
    erpm.addons.filter(addon="koppeling").update(names=["Exact Online", "Shopify", "PostNL"])
    assert validate_agreement(erpm) == []


@pytest.mark.parametrize("language, word", [("en", "Agreements"), ("nl", "Overeenkomsten")])
def test_admin_pages_work_in_both_languages(client, language, word):
    call_command("load_demo")
    admin = get_user_model().objects.get(username="agent")
    client.force_login(admin)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    index = client.get("/admin/", **headers)
    assert index.status_code == 200 and word in index.content.decode()
    from meldpunt.contracts.models import Agreement
    from meldpunt.tickets.models import Ticket

    for url in (
        "/admin/contracts/agreement/", f"/admin/contracts/agreement/{Agreement.objects.first().pk}/change/",
        "/admin/contracts/agreement/add/", "/admin/tickets/ticket/", f"/admin/tickets/ticket/{Ticket.objects.first().pk}/change/",
        "/admin/contracts/closedday/add/", "/admin/contracts/catalogversion/", "/admin/api/apitoken/",
    ):
        assert client.get(url, **headers).status_code == 200, url


def test_agreement_with_unknown_package_or_bad_override_is_refused():
    from django.core.exceptions import ValidationError

    org = f.organisation()
    agreement = f.agreement(org, "infor", "xtreme")
    agreement.target_overrides = [{"priority": "critical", "response": "soon"}]
    with pytest.raises(ValidationError) as info:
        agreement.full_clean()
    assert "target_overrides" in info.value.message_dict
    assert "'soon' is not a target" in info.value.message_dict["target_overrides"][0]
    agreement.target_overrides = [{"priority": "critical", "response": "2h"}]
    agreement.package = "platinum"
    with pytest.raises(ValidationError) as info:
        agreement.full_clean()
    assert "xtreme, xtreme-premium, xtreme-elite" in info.value.message_dict["package"][0]


def test_what_a_catalog_lacks_reads_in_the_readers_language():
    infor = f.agreement(f.organisation(), "infor", "xtreme", addons=["premium"])
    with translation.override("nl"):
        assert validate_agreement(infor) == ["catalogus infor heeft geen add-on 'premium'; add-ons: geen"]
    infor.package = "gold"
    version = infor.catalog.parsed().version
    with translation.override("nl"):
        assert validate_agreement(infor) == [f"pakket 'gold' staat niet in catalogus infor {version}"]
