"""The console queue reads each stored catalog version at most once a request (issue 17:
one path per rule). One query lists the versions (without their text) for the priority
filter, the rows' priority labels and the priority sort's package ranks alike; a version's
text is read only the first time this process meets it, and a version loaded since the last
request (by this process or another) is in the very next page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meldpunt.contracts.catalogs import stored_catalogs
from meldpunt.contracts.models import CatalogVersion
from meldpunt.core.catalog_loader import preset_text
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.web.queries import package_ranks
from tests.core.test_catalog_targets_rules import PRODUCT_RULES
from tests.support import factories as f

pytestmark = pytest.mark.django_db

TABLE = CatalogVersion._meta.db_table


@pytest.fixture
def queue(client):
    """Twelve open requests under each of three catalog versions (ERP.M, Infor, an Infor
    version with targets), and an agent logged in to the console."""
    targets = f.catalog_version(preset_text("infor") + PRODUCT_RULES, "infor-targets.toml")
    agreements = [f.agreement(f.organisation(), "erpm", "small"),
                  f.agreement(f.organisation(), "infor", "xtreme-premium"),
                  f.agreement(f.organisation(), "infor", "xtreme", version=targets)]
    for agreement in agreements:
        for n in range(12):
            create_ticket(NewRequest(organisation=agreement.organisation, agreement=agreement,
                                     subject=f"{agreement.catalog.vendor} request {n}"))
    client.force_login(f.staff_user())
    return client


def _page(client, **params) -> tuple[str, list[str]]:
    """The page's HTML and the statements it sent that touch the catalog versions."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/console/", params)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries if TABLE in q["sql"]]


@pytest.mark.parametrize("sort", ["deadline", "priority"])
def test_a_queue_page_reads_each_catalog_version_at_most_once(queue, sort):
    assert CatalogVersion.objects.count() >= 3
    html, first = _page(queue, sort=sort)
    assert html.count("request ") >= 36  # every request of every catalog is on the page
    assert "Priority A" in html and "Critical" in html  # each vendor's labels, in the filter and rows
    listings = [sql for sql in first if '"source"' not in sql]
    texts = [sql for sql in first if '"source"' in sql]
    assert len(listings) == 1 and len(texts) <= 1  # the text only of versions not parsed before
    _html, again = _page(queue, sort=sort)
    assert len(again) == 1 and '"source"' not in again[0]  # parsed once: the next page lists only


def test_a_newly_loaded_version_is_seen_at_the_next_page(queue):
    _page(queue, sort="priority")
    ranked = preset_text("erpm").replace('en = "Priority A"', 'en = "Priority A, now"')
    ranked = ranked.replace('calendar = "workdays"\n', 'calendar = "workdays"\nqueue_rank = 2\n', 1)
    version = f.catalog_version(ranked, "erpm-ranked.toml")
    html, read = _page(queue, sort="priority")
    assert "Priority A, now" in html  # the newest version of a vendor names its levels
    texts = [sql for sql in read if '"source"' in sql]
    assert len(read) == 2 and len(texts) == 1 and f"IN ({version.pk})" in texts[0]  # only the new one's text
    assert package_ranks(stored_catalogs()) == (2, 1, 0)
