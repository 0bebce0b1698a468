"""/billing/ shows each approved proposal as a budget (seed 002: customers keep control of
their budget): approved, booked, invoiced and left, marked from 80 % and when exceeded —
for the coordinator's own organisation, for vendor staff all, for plain contacts none."""

import re

import pytest

from meldpunt.billing.services import book_time, run_month
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _advisory(org, agreement, subject: str, hours: str):
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, kind="advisory", subject=subject))
    return ticket, f.approved_proposal(ticket, hours=hours, rate="100.00")


@pytest.fixture
def proposals():
    agent = f.staff_user()
    north, contoso = f.organisation("Northwind", language="en"), f.organisation("Contoso")
    coord, other = f.contact(north), f.contact(contoso)
    agreement, other_agreement = f.agreement(north, "erpm", "medium", coordinator=coord), f.agreement(contoso, "erpm", "small")
    calm, calm_p = _advisory(north, agreement, "Report design", "4")  # 400.00
    busy, busy_p = _advisory(north, agreement, "Stock valuation", "2")  # 200.00
    over, over_p = _advisory(north, agreement, "Data migration", "1")  # 100.00
    theirs, theirs_p = _advisory(contoso, other_agreement, "Contoso's secret plan", "1")
    book_time(ticket=calm, agent=agent, minutes=60, rate="100.00", started_at=f.ams(2026, 10, 6, 10, 0))  # 25 %
    book_time(ticket=busy, agent=agent, minutes=102, rate="100.00")  # 170.00 of 200.00: 85 %
    book_time(ticket=over, agent=agent, minutes=66, rate="100.00", allow_overrun=True)  # 110.00 of 100.00
    run_month(month="2026-10")  # invoices the calm request's October hour
    return {"agent": agent, "coord": coord, "other": other, "org": north, "calm": calm_p, "busy": busy_p,
            "over": over_p, "theirs": theirs_p}


def rows(html: str) -> dict[int, tuple[str, list[str]]]:
    """Proposal id → (row class, cell texts) of the per-proposal budget table."""
    found = {}
    for pk, attrs, body in re.findall(r'<tr data-proposal="(\d+)"([^>]*)>(.*?)</tr>', html, re.S):
        css = re.search(r'class="([^"]*)"', attrs)
        cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", body, re.S)]
        found[int(pk)] = (css[1] if css else "", cells)
    return found


def test_coordinator_sees_each_proposal_of_the_organisation_as_a_budget(proposals, client):
    client.force_login(proposals["coord"].user)
    html = client.get("/billing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Budgets per proposal" in html
    shown = rows(html)
    assert set(shown) == {proposals["calm"].pk, proposals["busy"].pk, proposals["over"].pk}
    css, cells = shown[proposals["calm"].pk]
    assert css == "" and cells[0].endswith("Report design " + proposals["calm"].ticket.agreement.code)
    assert cells[1:] == ["€400.00", "€100.00", "€100.00", "€300.00"]
    css, cells = shown[proposals["busy"].pk]
    assert css == "is-soon" and cells[1:] == ["€200.00", "€170.00", "€0.00", "€30.00 85% used"]
    css, cells = shown[proposals["over"].pk]
    assert css == "is-breached" and cells[1:] == ["€100.00", "€110.00", "€0.00", "-€10.00 Budget exceeded"]
    assert "Contoso&#x27;s secret plan" not in html and "Contoso's secret plan" not in html
    assert f'href="/tickets/{proposals["calm"].ticket_id}/"' in html


def test_staff_see_every_organisations_proposals_with_the_organisation(proposals, client):
    client.force_login(proposals["agent"])
    shown = rows(client.get("/billing/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert proposals["theirs"].pk in shown and len(shown) == 4
    assert shown[proposals["theirs"].pk][1][1] == "Contoso" and shown[proposals["busy"].pk][1][1] == "Northwind"


def test_plain_contacts_and_other_organisations_see_none_of_them(proposals, client):
    client.force_login(f.contact(proposals["org"], coordinator=False).user)
    html = client.get("/billing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert rows(html) == {} and "Budgets per proposal" not in html
    client.force_login(proposals["other"].user)
    assert set(rows(client.get("/billing/").content.decode())) == {proposals["theirs"].pk}


def test_the_budgets_read_in_dutch(proposals, client):
    client.force_login(proposals["coord"].user)
    html = client.get("/billing/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Budgetten per voorstel" in html and "Verzoek" in html
    assert "85% gebruikt" in html and "Budget overschreden" in html
    assert rows(html)[proposals["busy"].pk][1][1:4] == ["€ 200,00", "€ 170,00", "€ 0,00"]
