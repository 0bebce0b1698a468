"""Add-ons paid per named unit (issue 20 item 3). Seed 004: "PrioritySupport Koppeling € 295 / maand /
koppeling … koppeling support": an agreement names exactly as many integrations as it pays for, the
invoice names each, a mismatch is refused with a clear message, and staff find the existing ones."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from meldpunt.billing.services import run_month
from meldpunt.contracts.models import AgreementAddon
from meldpunt.contracts.selectors import named_units_mismatches
from meldpunt.contracts.services import AgreementError, set_addon, validate_agreement
from meldpunt.core.catalog import CatalogError
from meldpunt.core.catalog_loader import parse_catalog, preset_text
from tests.support import factories as f

pytestmark = pytest.mark.django_db

FOUR = ["Exact Online", "Shopify", "PostNL", "Mollie"]


@pytest.fixture
def erpm():
    return f.agreement(f.organisation("Bakkerij De Vries", language="nl"), "erpm", "medium",
                       starts_on=date(2026, 1, 1))


def test_one_paid_integration_with_four_names_is_refused_with_the_reason(erpm):
    with pytest.raises(AgreementError) as refused, translation.override("en"):
        set_addon(erpm, "koppeling", quantity=1, names=FOUR)
    assert str(refused.value) == (
        "PrioritySupport Integration is paid per integration: the quantity is 1 but 4 are named "
        "(Exact Online, Shopify, PostNL, Mollie). Name exactly 1, or change the quantity to 4.")
    assert not AgreementAddon.objects.exists()


def test_the_same_integration_named_twice_is_refused(erpm):
    with pytest.raises(AgreementError, match="Shopify is named twice"), translation.override("en"):
        set_addon(erpm, "koppeling", quantity=2, names=["Shopify", " shopify "])


def test_four_paid_and_four_named_are_billed_as_four_and_the_invoice_names_each(erpm):
    set_addon(erpm, "koppeling", quantity=4, names=FOUR)
    assert validate_agreement(erpm) == []
    run_month(month="2026-10", today=date(2026, 11, 2))
    line = erpm.organisation.invoices.get().lines.get(item="koppeling")
    assert (line.quantity, str(line.amount)) == (4, "1180.00")  # 4 × € 295
    assert line.description == "PrioritySupport Koppeling: Exact Online, Shopify, PostNL, Mollie"


def test_an_addon_that_names_no_units_takes_no_names(erpm):
    assert set_addon(erpm, "premium").quantity == 1


def test_existing_mismatches_are_listed_for_staff(erpm, client):
    right = f.agreement(f.organisation(), "erpm", "small")
    set_addon(right, "koppeling", quantity=2, names=["Exact Online", "Shopify"])
    AgreementAddon.objects.create(agreement=erpm, addon="koppeling", quantity=1, names=FOUR)  # from before the rule
    assert list(named_units_mismatches()) == [erpm.pk]
    with CaptureQueriesContext(connection) as again:  # the catalogs' text is read once (stored_catalogs)
        assert list(named_units_mismatches()) == [erpm.pk]
    assert len(again) == 2 and not any('"source"' in q["sql"] for q in again.captured_queries)
    with translation.override("en"):
        assert "quantity is 1 but 4 are named" in validate_agreement(erpm)[0]
    admin = get_user_model().objects.create_superuser("boss", "boss@vendor.test", "pw-boss-123")
    client.force_login(admin)
    page = client.get("/admin/contracts/agreement/?named_units=mismatch", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert erpm.code in page and right.code not in page and "quantity is 1 but 4 are named" in page


def test_the_admin_form_refuses_a_mismatch_on_the_row(erpm, client):
    admin = get_user_model().objects.create_superuser("boss", "boss@vendor.test", "pw-boss-123")
    client.force_login(admin)
    data = {
        "code": erpm.code, "organisation": erpm.organisation_id, "catalog": erpm.catalog_id, "package": "medium",
        "coordinator": "", "starts_on": "2026-01-01", "ends_on": "", "declared_users": 0,
        "declared_customisation_lines": 0, "target_overrides": "[]",
        "addons-TOTAL_FORMS": 1, "addons-INITIAL_FORMS": 0, "addons-MIN_NUM_FORMS": 0, "addons-MAX_NUM_FORMS": 1000,
        "addons-0-id": "", "addons-0-agreement": erpm.pk, "addons-0-addon": "koppeling", "addons-0-quantity": 3,
        "addons-0-names": '["Exact Online", "Shopify"]',
    }
    response = client.post(f"/admin/contracts/agreement/{erpm.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "the quantity is 3 but 2 are named (Exact Online, Shopify)" in response.content.decode()
    assert not AgreementAddon.objects.exists()
    data["addons-0-names"] = '["Exact Online", "Shopify", "PostNL"]'
    response = client.post(f"/admin/contracts/agreement/{erpm.pk}/change/", data)
    assert response.status_code == 302
    assert AgreementAddon.objects.get().names == ["Exact Online", "Shopify", "PostNL"]


def test_a_catalog_cannot_name_the_units_of_a_monthly_addon():
    text = preset_text("erpm").replace('unit = "month"\nrequires', 'unit = "month"\nnamed_units = true\nrequires', 1)
    with pytest.raises(CatalogError) as bad:
        parse_catalog(text, "erpm.toml")
    assert bad.value.field.endswith(".named_units") and "counted unit" in bad.value.reason
