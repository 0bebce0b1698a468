"""Which catalog version is a vendor's current one is one rule in one place (issue 17):
``contracts.catalogs.newest_version`` (new agreements, prospects' bookings, the invoice's
vendor name) and ``newest_catalogs`` (the public price list, the agents' call log), both the
last loaded version."""

from __future__ import annotations

import pytest

from meldpunt.bookings.selectors import bookable_vendors
from meldpunt.contracts.catalogs import newest_catalogs, newest_version
from meldpunt.contracts.models import CatalogVersion
from meldpunt.contracts.services import current_version
from meldpunt.core.catalog_loader import preset_text
from meldpunt.intake.contact_points import vendor_contacts
from tests.support import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def newer():
    """A second ERP.M version, loaded after the preset."""
    text = preset_text("erpm").replace('version = "2026.1"', 'version = "2099.9"', 1).replace(
        'name = "ERP.M"', 'name = "ERP.M Next"', 1)
    return f.catalog_version(text, "erpm.toml")


def test_the_last_loaded_version_is_the_vendors_current_one(newer):
    preset = CatalogVersion.objects.get(vendor="erpm", version="2026.1")
    assert preset.loaded_at <= newer.loaded_at
    assert newest_version("erpm") == newer == current_version("erpm")
    newest = {stored.vendor: stored for stored in newest_catalogs()}
    assert sorted(newest) == sorted(set(CatalogVersion.objects.values_list("vendor", flat=True)))
    assert newest["erpm"].pk == newer.pk and newest["erpm"].catalog.version == "2099.9"
    assert newest_version("nobody") is None
    with pytest.raises(CatalogVersion.DoesNotExist):
        current_version("nobody")


def test_the_price_list_call_log_and_bookings_show_each_vendor_once_at_its_newest(newer, client):
    page = client.get("/catalogs/").content.decode()
    assert page.count("<h2>ERP.M Next <span") == 1 and "<h2>ERP.M <span" not in page and "2099.9" in page
    names = [row["vendor"] for row in vendor_contacts("en")]
    assert "ERP.M Next" in names and "ERP.M" not in names and len(names) == len(set(names))
    vendors = [version.vendor for version, _rules in bookable_vendors()]
    assert len(vendors) == len(set(vendors))
