"""The special-event weekend (Infor Xtreme Elite, catalog ``[special_weekend]``), each test
quoting the sentence of the vendor's policy it holds the desk to:

"Eén weekend per jaar krijgt u ondersteuning voor alle urgentieniveaus. U krijgt een
supportmedewerker toegewezen die u gedurende het weekend ondersteuning biedt bij het oplossen
van al uw vraagstukken. De aanvraag voor het weekend moet u twee weken van tevoren indienen.
[...] Ondersteuning bij speciale gebeurtenissen geldt alleen voor standaardproducten. De
voertaal is Engels."
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from meldpunt.tickets.models import Clock
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.triage import services, weekends
from tests.support import factories as f
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db

SATURDAY = date(2026, 3, 7)  # the booked weekend: Saturday 7 and Sunday 8 March 2026


@pytest.fixture
def elite():
    org = f.organisation("Delta", language="en")
    agreement = f.agreement(org, "infor", "xtreme-elite", starts_on=date(2026, 1, 1), target_overrides=[
        {"priority": "*", "kinds": ["incident"], "response": "2h"},
        {"priority": "*", "kinds": ["question"], "response": "4h"},
    ])
    return {"org": org, "agreement": agreement, "agent": f.staff_user()}


def _approved(elite, saturday=SATURDAY):
    weekend = elite["agreement"].special_weekends.create(saturday=saturday)
    return weekends.approve_weekend(weekend, engineer=elite["agent"])


def _request(elite, when, kind="incident", priority="low", **fields):
    ticket = create_ticket(NewRequest(organisation=elite["org"], agreement=elite["agreement"], kind=kind,
                                      subject=fields.pop("subject", "Posting stops"), priority=priority,
                                      received_at=when, **fields))[0]
    return Clock.objects.get(ticket=ticket, metric="response")


def test_all_urgencies_are_supported_on_the_weekend_and_approval_moves_clocks_already_running(elite):
    """"Eén weekend per jaar krijgt u ondersteuning voor alle urgentieniveaus": a low incident
    of Saturday 10:00 with a 2-hour response is due Saturday 12:00, not Monday."""
    weekend = elite["agreement"].special_weekends.create(saturday=SATURDAY)
    clock = _request(elite, f.ams(2026, 3, 7, 10, 0))
    assert clock.due_at == f.ams(2026, 3, 9, 11, 0)  # requested, not approved yet: office hours
    weekends.approve_weekend(weekend, engineer=elite["agent"])
    clock.refresh_from_db()
    assert clock.due_at == f.ams(2026, 3, 7, 12, 0)
    assert clock.calendar == "office"  # the package's calendar, plus the weekend's hours
    assert any("Special-event weekend Saturday 7 March 2026 00:00 – Monday 9 March 2026 00:00" in line for line in clock.explanation)
    for priority in ("critical", "high", "medium"):
        assert _request(elite, f.ams(2026, 3, 8, 3, 0), priority=priority).due_at == f.ams(2026, 3, 8, 5, 0)


def test_questions_are_covered_too(elite):
    """"ondersteuning biedt bij het oplossen van al uw vraagstukken": a question, not only incidents."""
    _approved(elite)
    assert _request(elite, f.ams(2026, 3, 7, 10, 0), kind="question", priority="medium").due_at == f.ams(2026, 3, 7, 14, 0)


def test_a_clock_running_past_the_weekend_continues_on_the_normal_calendar(elite):
    """"gedurende het weekend": Sunday 22:00 with four hours: two on the weekend, the other two
    from Monday 09:00 in office hours (not 24×7 past the weekend)."""
    _approved(elite)
    clock = _request(elite, f.ams(2026, 3, 8, 22, 0), kind="question", priority="medium")
    assert clock.due_at == f.ams(2026, 3, 9, 11, 0)
    assert any("after it the clock continues on the normal calendar" in line for line in clock.explanation)


def test_requests_before_or_after_the_weekend_follow_the_normal_calendar(elite):
    _approved(elite)
    friday = _request(elite, f.ams(2026, 3, 6, 16, 0))  # one hour Friday, one Monday: the weekend skipped
    assert friday.due_at == f.ams(2026, 3, 9, 10, 0)
    assert not any("Special-event" in line for line in friday.explanation)
    assert _request(elite, f.ams(2026, 3, 9, 10, 0)).due_at == f.ams(2026, 3, 9, 12, 0)
    other = _request(elite, f.ams(2026, 3, 14, 10, 0))  # the next weekend is not booked
    assert other.due_at == f.ams(2026, 3, 16, 11, 0)


def test_only_standard_products_and_an_agent_can_say_a_request_is_standard(elite):
    """"Ondersteuning bij speciale gebeurtenissen geldt alleen voor standaardproducten" —
    standard meaning "standaard (niet-aangepaste)": a customised report waits for Monday."""
    _approved(elite)
    clock = _request(elite, f.ams(2026, 3, 7, 10, 0), product="Maatwerk rapportage LN")
    assert clock.due_at == f.ams(2026, 3, 9, 11, 0)
    services.assess(clock.ticket, area_scope="standard")  # the agent: it is the standard product after all
    clock.refresh_from_db()
    assert clock.due_at == f.ams(2026, 3, 7, 12, 0)
    services.assess(clock.ticket, area_scope="custom")
    clock.refresh_from_db()
    assert clock.due_at == f.ams(2026, 3, 9, 11, 0)
    customer = _request(elite, f.ams(2026, 3, 7, 10, 0), subject="Customer invoices stop")  # "customer" is no customisation
    assert customer.due_at == f.ams(2026, 3, 7, 12, 0)


def test_a_refused_weekend_or_another_package_changes_nothing(elite):
    weekend = elite["agreement"].special_weekends.create(saturday=SATURDAY)
    weekends.refuse_weekend(weekend, reason="no engineer free")
    assert _request(elite, f.ams(2026, 3, 7, 10, 0)).due_at == f.ams(2026, 3, 9, 11, 0)


def test_refusals_say_why_with_the_catalogs_terms(elite):
    """"De aanvraag voor het weekend moet u twee weken van tevoren indienen" and "kan niet naar
    een volgend jaar worden overgedragen"."""
    soon = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    with pytest.raises(services.TriageError, match="at least 14 days ahead"):
        weekends.request_weekend(elite["agreement"], saturday=soon)
    premium = f.agreement(elite["org"], "infor", "xtreme-premium")
    far = soon + timedelta(days=28)
    with pytest.raises(services.TriageError, match=r"no special-event weekend \(Xtreme Elite Support only\)"):
        weekends.request_weekend(premium, saturday=far)
    with pytest.raises(services.TriageError, match="starts on a Saturday"):
        weekends.request_weekend(elite["agreement"], saturday=far + timedelta(days=1))
    weekends.request_weekend(elite["agreement"], saturday=far)
    with pytest.raises(services.TriageError, match="already has its weekend; unused weekends are not carried over"):
        weekends.request_weekend(elite["agreement"], saturday=far + timedelta(days=7))
    with pytest.raises(services.TriageError, match="heeft zijn weekend al"):
        weekends.request_weekend(elite["agreement"], saturday=far + timedelta(days=7), language="nl")


def _bookable_saturday() -> date:
    day = timezone.localdate() + timedelta(days=15)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def test_the_booking_confirmation_and_the_portal_say_what_is_covered_in_the_customers_language(client):
    """"De voertaal is Engels": a Dutch customer reads, in Dutch, that the support is in English."""
    org = f.organisation("Epsilon", language="nl")
    coord = f.contact(org, language="nl")
    agreement = f.agreement(org, "infor", "xtreme-elite", starts_on=timezone.localdate() - timedelta(days=30),
                            coordinator=coord)
    client.force_login(coord.user)
    page = client.get("/portal/weekends/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "ondersteuning in het Engels" in page and "alleen standaard (niet-aangepaste) Infor-producten" in page
    assert "minstens 14 dagen van tevoren" in page
    saturday = _bookable_saturday()
    answer = client.post("/portal/weekends/", {"agreement": agreement.pk, "saturday": saturday.isoformat(),
                                               "purpose": "Year-end closing"}, follow=True, HTTP_ACCEPT_LANGUAGE="nl")
    html = answer.content.decode()
    assert "Gedekt: Zaterdag 00:00 tot maandag 00:00" in html and "ondersteuning in het Engels" in html
    booked = Api(coord.user).get("/api/triage/weekends").json()[0]
    assert booked["starts_at"].startswith(f"{saturday.isoformat()}T00:00:00")
    assert booked["ends_at"].startswith(f"{(saturday + timedelta(days=2)).isoformat()}T00:00:00")
    assert "support in English" in booked["covers"]["en"] and "in het Engels" in booked["covers"]["nl"]


def test_a_closed_day_after_the_weekend_moves_its_clocks_with_the_weekends_hours_kept(elite):
    """The bulk recompute of a calendar hands the weekend's requests to the one-by-one path, so
    the hours used on the weekend still count: two on Sunday night, a closed Monday, and the
    other two on Tuesday — not four from Tuesday."""
    from meldpunt.contracts.models import ClosedDay
    from meldpunt.tickets import calendars

    _approved(elite)
    weekend = _request(elite, f.ams(2026, 3, 8, 22, 0), kind="question", priority="medium")
    friday = _request(elite, f.ams(2026, 3, 6, 16, 30), kind="question", priority="medium")
    calendars.save_closed_day(ClosedDay(vendor="infor", calendar="office", date=date(2026, 3, 9), reason="Move"))
    weekend.refresh_from_db()
    friday.refresh_from_db()
    assert weekend.due_at == f.ams(2026, 3, 10, 11, 0)
    assert friday.due_at == f.ams(2026, 3, 10, 12, 30)  # half an hour Friday, the rest on Tuesday


def test_warnings_and_escalations_on_the_weekend_follow_the_weekends_hours(elite):
    """The assigned engineer hears of a weekend request's clock on the weekend: Infor warns at
    50 % and 80 % and escalates to the team lead 30 minutes after the due moment. A low incident
    of Saturday 10:00 (2 hours) warns at 11:00 and 11:36, breaches at 12:00, team lead 12:30."""
    from meldpunt.escalation.models import ClockAlert, Duty
    from meldpunt.escalation.services import scan_alerts

    Duty.objects.create(vendor="infor", role="team_lead", user=f.staff_user("lead"))
    _approved(elite)
    clock = _request(elite, f.ams(2026, 3, 7, 10, 0))
    expected = {
        f.ams(2026, 3, 7, 11, 0): {("warning", "50%")},
        f.ams(2026, 3, 7, 11, 36): {("warning", "80%")},
        f.ams(2026, 3, 7, 12, 0): {("breach", "assignee+0m")},
        f.ams(2026, 3, 7, 12, 30): {("breach", "team_lead+30m")},
    }
    seen: set = set()
    scan_alerts(now=f.ams(2026, 3, 7, 10, 0))
    for moment, new in expected.items():
        scan_alerts(now=moment - timedelta(minutes=1))
        assert set(ClockAlert.objects.filter(clock=clock).values_list("kind", "point")) == seen, moment
        scan_alerts(now=moment)
        seen |= new
        assert set(ClockAlert.objects.filter(clock=clock).values_list("kind", "point")) == seen, moment


def test_the_admin_lists_each_weekend_with_its_window(client, elite):
    from django.contrib.auth import get_user_model

    _approved(elite)
    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "x-long-password-1")
    client.force_login(admin_user)
    page = client.get("/admin/triage/specialweekend/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2026-03-07 00:00 – 2026-03-09 00:00" in page
