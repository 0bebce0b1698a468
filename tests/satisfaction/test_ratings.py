"""Issue 19 item 8: a customer rates a resolved request good or bad, with one click on a
signed link in the resolution mail (no login) or in the portal; staff see it on the request
and in the evaluation report."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from meldpunt.intake.models import OutboundMail
from meldpunt.reports.build import build_report
from meldpunt.reports.charts import charts
from meldpunt.satisfaction.links import make_token
from meldpunt.satisfaction.models import Rating
from meldpunt.satisfaction.services import RatingError, rate
from meldpunt.tickets.models import TicketEvent
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import change_status

SITE = "https://desk.example.test"


@pytest.fixture
def resolved(db, desk, settings):
    settings.MELDPUNT_SITE_URL = SITE
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"],
                                         subject="Orders stuck", impact="one", urgency="low"))
    change_status(ticket, "resolved", actor=desk["staff"])
    ticket.refresh_from_db()
    return {**desk, "ticket": ticket}


def links(ticket) -> dict[str, str]:
    mail = OutboundMail.objects.get(ticket=ticket, kind="status")
    found = dict(re.findall(r"^(Goed|Slecht|Good|Bad): (\S+)$", mail.body, re.M))
    return {("good" if k in ("Goed", "Good") else "bad"): urlsplit(v).path for k, v in found.items()}


def test_resolution_mail_carries_both_links_in_the_customers_language(resolved):
    mail = OutboundMail.objects.get(ticket=resolved["ticket"], kind="status")
    assert "Hoe hebben we het gedaan?" in mail.body  # the contact's language is Dutch
    assert f"Goed: {SITE}/rate/" in mail.body and f"Slecht: {SITE}/rate/" in mail.body
    assert mail.body.index("Verzoek") < mail.body.index("Hoe hebben")  # under the status text


def test_other_status_mails_carry_no_links(db, desk, settings):
    settings.MELDPUNT_SITE_URL = SITE
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_coord"],
                                         subject="x", impact="one", urgency="low"))
    change_status(ticket, "approved", actor=desk["staff"])
    assert "/rate/" not in OutboundMail.objects.get(ticket=ticket, kind="status").body


def test_one_click_records_the_rating_and_a_repeat_changes_nothing(resolved, client):
    ticket, good = resolved["ticket"], links(resolved["ticket"])["good"]
    first = client.get(good)
    assert first.status_code == 200 and "U heeft dit verzoek als goed beoordeeld" in first.text
    again = client.get(good)
    assert again.status_code == 200 and again.text.count("als goed beoordeeld") == first.text.count("als goed beoordeeld")
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.score, rating.channel, rating.contact) == ("good", "mail", resolved["a_coord"])
    assert TicketEvent.objects.filter(ticket=ticket, kind="rating").count() == 1


def test_the_other_link_changes_the_rating_and_a_comment_is_kept(resolved, client):
    ticket, urls = resolved["ticket"], links(resolved["ticket"])
    client.get(urls["good"])
    page = client.get(urls["bad"])
    assert "als slecht beoordeeld" in page.text
    answer = client.post(urls["bad"], {"score": "bad", "comment": "Took three days"})
    assert answer.status_code == 302
    assert "Uw opmerking is opgeslagen." in client.get(answer["Location"]).text
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment) == ("bad", "Took three days")
    assert [e.data["score"] for e in TicketEvent.objects.filter(ticket=ticket, kind="rating").order_by("id")] == [
        "good", "bad", "bad"]


def test_after_the_window_the_rating_stays_as_it_was(resolved, client, settings):
    urls = links(resolved["ticket"])
    client.get(urls["good"])
    settings.MELDPUNT_RATING_DAYS = 0
    page = client.get(urls["bad"])
    assert page.status_code == 409 and "De tijd om dit verzoek te beoordelen is voorbij" in page.text
    assert Rating.objects.get(ticket=resolved["ticket"]).score == "good"


def test_forged_or_damaged_links_answer_404(resolved, client):
    token = make_token(resolved["ticket"].pk, None)
    assert client.get(f"/rate/{token}x/good/").status_code == 404
    assert client.get(f"/rate/{token}/great/").status_code == 404
    assert client.get("/rate/garbage/good/").status_code == 404
    assert not Rating.objects.exists()


def test_an_open_request_cannot_be_rated(resolved):
    ticket = change_status(resolved["ticket"], "in_progress", actor=resolved["staff"])
    with pytest.raises(RatingError):
        rate(ticket, "good")
    change_status(ticket, "resolved", actor=resolved["staff"])
    later = timezone.now() + timedelta(days=15)
    with pytest.raises(RatingError):
        rate(ticket, "good", now=later)
    assert rate(ticket, "bad").score == "bad"


def test_portal_rating_and_console_shows_it(resolved, client):
    ticket = resolved["ticket"]
    client.force_login(resolved["a_coord"].user)
    page = client.get(f"/portal/requests/{ticket.pk}/")
    assert 'id="rating"' in page.text
    answer = client.post(f"/rate/requests/{ticket.pk}/", {"score": "good", "comment": "Quick and clear"})
    assert answer.status_code == 302
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.channel, rating.comment) == ("portal", "Quick and clear")
    client.force_login(resolved["staff"])
    console = client.get(f"/console/tickets/{ticket.pk}/")
    assert "Quick and clear" in console.text and 'class="badge rating-good"' in console.text


def test_another_organisation_cannot_rate(resolved, client):
    client.force_login(resolved["b_coord"].user)
    assert client.post(f"/rate/requests/{resolved['ticket'].pk}/", {"score": "bad"}).status_code == 404
    assert not Rating.objects.exists()


def test_report_counts_ratings_with_a_chart(resolved, desk):
    rate(resolved["ticket"], "bad", comment="Slow")
    other, _ = create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], contact=desk["a_plain"],
                                        subject="y", impact="one", urgency="low"))
    change_status(other, "resolved")
    rate(other, "good")
    today = timezone.localdate()
    report = build_report(desk["org_a"], f"{today.year}Q{(today.month - 1) // 3 + 1}")
    assert (report.satisfaction.good, report.satisfaction.bad, report.satisfaction.percent_good) == (1, 1, 50.0)
    assert [c[2] for c in report.satisfaction.comments] == ["Slow"]
    chart = next(c for c in charts(report) if c.id == "satisfaction")
    assert chart.series[0][1] == [1, 1]
    assert build_report(desk["org_b"], f"{today.year}Q{(today.month - 1) // 3 + 1}").satisfaction.total == 0
