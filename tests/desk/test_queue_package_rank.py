"""Prioritisation by support package (seed 003, Xtreme Premium: "Meldingen worden naar
urgentie geprioriteerd op basis van het supportpakket."): within one priority the console's
priority sort puts a package with a higher ``queue_rank`` first (Infor Premium and Elite
before Xtreme); urgency stays first. The rank is a ticket column every writer keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meldpunt.contracts.catalogs import stored_catalogs
from meldpunt.contracts.models import CatalogVersion
from meldpunt.core.catalog_loader import preset_text
from meldpunt.desk.corrections import Correction, correct
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.web.queries import QueueQuery, package_ranks, queue_page
from tests.core.test_catalog_targets_rules import PRODUCT_RULES
from tests.support import factories as f

pytestmark = pytest.mark.django_db

RECEIVED = f.ams(2026, 11, 30, 10, 0)  # Monday


@pytest.fixture
def infor():
    """Xtreme and Premium customers of a catalog with targets (the Infor preset has none):
    critical response 4h, other priorities 1bd."""
    version = f.catalog_version(preset_text("infor") + PRODUCT_RULES, "infor-targets.toml")
    standard, premium = f.organisation("Standard BV"), f.organisation("Premium BV")
    return {
        "staff": f.staff_user(),
        "xtreme": f.agreement(standard, "infor", "xtreme", version=version),
        "premium": f.agreement(premium, "infor", "xtreme-premium", version=version),
    }


def _new(agreement, subject: str, priority: str, minutes: int = 0) -> Ticket:
    return create_ticket(NewRequest(organisation=agreement.organisation, agreement=agreement, subject=subject,
                                    priority=priority, received_at=RECEIVED + timedelta(minutes=minutes)))[0]


def _order(user, sort: str, limit: int = 50) -> list[str]:
    page = queue_page(user, QueueQuery(sort=sort), limit=limit, now=RECEIVED + timedelta(minutes=60))
    subjects = [row.ticket.subject for row in page.rows]
    while page.next_cursor:  # page by page: the cursor walks the same segments
        page = queue_page(user, QueueQuery(sort=sort, cursor=page.next_cursor), limit=limit,
                          now=RECEIVED + timedelta(minutes=60))
        subjects += [row.ticket.subject for row in page.rows]
    return subjects


def test_premium_comes_first_within_a_priority_and_urgency_stays_first(infor):
    _new(infor["xtreme"], "Xtreme critical", "critical")  # response due 14:00
    _new(infor["premium"], "Premium critical", "critical", minutes=30)  # due 14:30, but Premium
    _new(infor["xtreme"], "Xtreme high", "high")
    _new(infor["premium"], "Premium high", "high", minutes=10)
    _new(infor["premium"], "Premium low", "low")
    stored = dict(Ticket.objects.values_list("subject", "package_rank"))
    assert stored == {"Xtreme critical": 0, "Premium critical": 1, "Xtreme high": 0, "Premium high": 1, "Premium low": 1}
    expected = ["Premium critical", "Xtreme critical", "Premium high", "Xtreme high", "Premium low"]
    assert _order(infor["staff"], "priority") == expected
    assert _order(infor["staff"], "priority", limit=1) == expected  # one row a page: same order
    # Sorted by deadline alone, the package does not count.
    assert _order(infor["staff"], "deadline")[:2] == ["Xtreme critical", "Premium critical"]


def test_without_deadlines_the_package_still_orders_within_a_priority(infor):
    """The Infor preset itself sets no targets (agreements do): the requests have no deadline."""
    preset = CatalogVersion.objects.get(vendor="infor", source=preset_text("infor"))
    standard = f.agreement(f.organisation(), "infor", "xtreme", version=preset)
    elite = f.agreement(f.organisation(), "infor", "xtreme-elite", version=preset)  # includes Premium: rank 1
    _new(elite, "Elite medium", "medium")
    _new(standard, "Xtreme medium", "medium", minutes=5)  # newer, so first by age alone
    assert Ticket.objects.get(subject="Elite medium").next_due_at is None
    assert _order(infor["staff"], "priority") == ["Elite medium", "Xtreme medium"]


def test_the_rank_follows_the_agreements_package_and_a_correction(infor):
    ticket = _new(infor["xtreme"], "Moves up", "high")
    assert Ticket.objects.get(pk=ticket.pk).package_rank == 0
    infor["xtreme"].package = "xtreme-elite"
    infor["xtreme"].save()
    assert Ticket.objects.get(pk=ticket.pk).package_rank == 1
    other = _new(infor["premium"], "Placed wrongly", "high")
    second = f.agreement(infor["premium"].organisation, "infor", "xtreme", version=infor["xtreme"].catalog)
    correct(other, Correction(agreement=second, reason="the customer's other agreement"), by=infor["staff"])
    assert Ticket.objects.get(pk=other.pk).package_rank == 0


def test_the_queue_walks_only_the_package_ranks_the_catalogs_use(infor):
    assert package_ranks(stored_catalogs()) == (1, 0)
