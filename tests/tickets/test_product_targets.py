"""Targets per product (seed 003: "Infor hanteert vaste responstijden voor meldingen op basis
van urgentie, product en supportpakket."): a request's clocks take its product's targets,
and correcting the product — by the desk or by the customer's answer — computes them again
from receipt. Seed 003 names no numbers: the catalog is the test's own (docs/catalogs.md,
"Targets per product")."""

from __future__ import annotations

import pytest

from meldpunt.desk.corrections import Correction, correct
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.triage.details import fill_from_answer
from tests.core.test_catalog_targets_rules import PRODUCT_RULES
from tests.support import factories as f

pytestmark = pytest.mark.django_db

#: Monday 30 November 2026, 10:00 in Amsterdam; critical issues run 24 hours per workday.
RECEIVED = f.ams(2026, 11, 30, 10, 0)


@pytest.fixture
def agreement():
    from meldpunt.core.catalog_loader import preset_text

    version = f.catalog_version(preset_text("infor") + PRODUCT_RULES, "infor-products.toml")
    return f.agreement(f.organisation(), "infor", "xtreme", version=version)


def _critical(agreement, product: str) -> Ticket:
    return create_ticket(NewRequest(organisation=agreement.organisation, agreement=agreement, subject="Posting fails",
                                    priority="critical", product=product, received_at=RECEIVED))[0]


def _response(ticket: Ticket):
    clock = Ticket.objects.get(pk=ticket.pk).clocks.get(metric="response")
    return clock.target, clock.due_at


def test_the_products_own_target_applies_and_others_fall_back_to_the_package(agreement):
    assert _response(_critical(agreement, "Infor LN")) == ("2h", f.ams(2026, 11, 30, 12, 0))
    assert _response(_critical(agreement, "ln")) == ("2h", f.ams(2026, 11, 30, 12, 0))
    assert _response(_critical(agreement, "Infor M3")) == ("4h", f.ams(2026, 11, 30, 14, 0))
    assert _response(_critical(agreement, "")) == ("4h", f.ams(2026, 11, 30, 14, 0))


def test_correcting_the_product_computes_the_clocks_again_from_receipt(agreement):
    staff = f.staff_user()
    ticket = _critical(agreement, "Infor M3")
    ticket = correct(ticket, Correction(product="Infor LN", reason="customer runs LN"), by=staff)
    assert _response(ticket) == ("2h", f.ams(2026, 11, 30, 12, 0))
    assert Ticket.objects.get(pk=ticket.pk).next_due_at == f.ams(2026, 11, 30, 12, 0)  # the queues follow
    clock = Ticket.objects.get(pk=ticket.pk).clocks.get(metric="response")
    assert "Target (response, Critical): 2 business hours (2h business time)" in clock.explanation
    ticket = correct(ticket, Correction(product="Infor M3"), by=staff)
    assert _response(ticket) == ("4h", f.ams(2026, 11, 30, 14, 0))


def test_the_customers_answer_with_the_product_computes_the_clocks_again(agreement):
    ticket = _critical(agreement, "")
    assert _response(ticket) == ("4h", f.ams(2026, 11, 30, 14, 0))
    assert fill_from_answer(ticket, "Product: Infor LN\nVersie: 10.7\n") == {"product": ["", "Infor LN"],
                                                                              "product_version": ["", "10.7"]}
    assert _response(ticket) == ("2h", f.ams(2026, 11, 30, 12, 0))
