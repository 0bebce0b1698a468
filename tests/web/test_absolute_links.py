"""Every link that leaves the desk (mail, notifications) is built by one helper,
``meldpunt.links.absolute_url``, on ``MELDPUNT_SITE_URL`` (issue 17: one path per rule): the
site address with or without a trailing slash gives one correct link, never ``.com//portal``."""

from __future__ import annotations

import re
from datetime import date

import pytest

from meldpunt.bookings.mail import manage_url
from meldpunt.bookings.models import Booking
from meldpunt.escalation.services import scan_alerts
from meldpunt.intake import outbox
from meldpunt.intake.models import OutboundMail
from meldpunt.knowledge.notify import Recipient, notify
from meldpunt.knowledge.services import create_article, link_article
from meldpunt.links import absolute_url
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import assign_ticket, change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db

SITE = "https://desk.example.com"


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


@pytest.mark.parametrize("setting", [SITE, f"{SITE}/"])
def test_a_site_address_with_or_without_a_trailing_slash_gives_one_link(settings, setting):
    settings.MELDPUNT_SITE_URL = setting
    assert absolute_url("/portal/requests/7/") == f"{SITE}/portal/requests/7/"
    assert absolute_url("portal/") == f"{SITE}/portal/"
    booking = Booking(pk=3, uid="u-3@meldpunt", site_url="https://booked.example.org/")
    assert manage_url(booking).startswith(f"{SITE}/bookings/manage/")  # the setting beats the booking's


def test_without_a_site_address_the_path_stays_or_the_given_address_serves(settings):
    settings.MELDPUNT_SITE_URL = ""
    assert absolute_url("/console/tickets/7/") == "/console/tickets/7/"
    assert absolute_url("/bookings/manage/x/", default="https://booked.example.org/") == \
        "https://booked.example.org/bookings/manage/x/"
    booking = Booking(pk=3, uid="u-3@meldpunt", site_url="https://booked.example.org/")
    assert manage_url(booking).startswith("https://booked.example.org/bookings/manage/")


@pytest.mark.parametrize("setting", [SITE, f"{SITE}/"])
def test_every_mail_links_once_on_the_site_address(settings, setting):
    """The confirmation's portal link, the agent's notice and SLA alert, the rating links and
    a knowledge notice: each link is the site address, one slash, the page."""
    settings.MELDPUNT_SITE_URL = setting
    org = f.organisation("Northwind", language="en")
    emma = f.contact(org, username="emma")
    agreement = f.agreement(org, "erpm", "small", coordinator=emma, starts_on=date(2026, 1, 1))
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, contact=emma, subject="Orders stuck",
                                         impact="organisation", urgency="high", channel="portal",
                                         received_at=f.ams(2026, 3, 12, 9, 0)), actor=emma.user)
    confirmation = outbox.queue(ticket, "confirmation", later=False)
    agent = f.staff_user("assignee")
    assign_ticket(ticket, agent, actor=f.staff_user())
    scan_alerts(now=f.ams(2026, 3, 12, 9, 0))
    scan_alerts(now=f.ams(2026, 3, 12, 10, 45))  # the response's 80 % point: the assignee is warned
    change_status(ticket, "resolved", actor=agent)
    notify([Recipient(email="reader@example.org")], title="A new release", body="Read it.", url="/knowledge/releases/")
    bodies = {
        "confirmation": confirmation.body,
        "notice": OutboundMail.objects.get(user=agent, kind="agent_notice").body,
        "alert": OutboundMail.objects.get(user=agent, kind="staff_alert").body,
        "rating": OutboundMail.objects.get(ticket=ticket, kind="status").body,
        "knowledge": OutboundMail.objects.get(to="reader@example.org").body,
    }
    expected = {
        "confirmation": [f"{SITE}/portal/requests/{ticket.pk}/"],
        "notice": [f"{SITE}/console/tickets/{ticket.pk}/", f"{SITE}/notifications/settings/"],
        "alert": [f"{SITE}/console/tickets/{ticket.pk}/"],
        "rating": [f"{SITE}/rate/", f"{SITE}/rate/"],
        "knowledge": [f"{SITE}/knowledge/releases/"],
    }
    for name, body in bodies.items():
        found = _links(body)
        assert len(found) == len(expected[name]), (name, body)
        for link, start in zip(found, expected[name], strict=True):
            assert link.startswith(start) and "//" not in link.removeprefix("https://"), (name, link)


@pytest.mark.parametrize("setting", ["", SITE, f"{SITE}/"])
def test_links_handed_to_a_customer_use_the_site_address_else_the_one_in_use(desk, client, settings, setting):
    """The article link an agent inserts in a reply and the invitation a coordinator sends on:
    on MELDPUNT_SITE_URL when set, else on the address the page was opened at."""
    settings.MELDPUNT_SITE_URL = setting
    site = SITE if setting else "http://testserver"
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"],
                                         subject="Stock counts wrong"))
    article = create_article(title="Tweede magazijn instellen", language="nl", author=desk["staff"],
                             body="Een tweede magazijn stelt u in onder Voorraad, Magazijnen.")
    link_article(ticket=ticket, article=article, actor=desk["staff"])
    client.force_login(desk["staff"])
    page = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert f'data-insert-text="{site}/knowledge/articles/{article.slug}/?lang=nl"' in page
    client.force_login(desk["a_coord"].user)
    response = client.post("/portal/contacts/", {"name": "Nina Nieuw", "email": "nina@alpha.test", "language": "en"})
    assert response.context["invitation"].startswith(f"{site}/welcome/")
