"""Warnings fire once, at the right business moment, across a night and a weekend; breaches
escalate along the catalog's chain (assignee, team lead, support manager), in-app and by mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from meldpunt.core.alerts import warning_moment
from meldpunt.escalation.models import ClockAlert, Duty, Notification
from meldpunt.escalation.services import scan_alerts
from meldpunt.intake.models import OutboundMail
from meldpunt.intake.outbox import send_pending
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, assign_ticket, change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db

AMS = f.AMS


def fired() -> set[tuple[str, str, str]]:
    return set(ClockAlert.objects.values_list("clock__metric", "kind", "point"))


@pytest.fixture
def people():
    assignee, lead, manager = f.staff_user("assignee"), f.staff_user("lead"), f.staff_user("manager")
    Duty.objects.create(vendor="erpm", role="team_lead", user=lead)
    Duty.objects.create(vendor="erpm", role="support_manager", user=manager)
    return {"assignee": assignee, "lead": lead, "manager": manager}


def _priority_a_ticket(received, assignee, version=None):
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "small", version=version)
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=agreement, subject="Production halted",
                                         impact="organisation", urgency="high", received_at=received))
    assign_ticket(ticket, assignee, actor=assignee)  # taken by the assignee: no assignment notice
    return ticket


def test_warnings_and_escalations_fire_once_at_their_business_moments_over_night_and_weekend(people, settings):
    """ERP.M Small, priority A: response 2h, resolution 1bd (8 business hours), Mon–Fri 09–17,
    with the resolution time hard (ERP.M's own are indicative: see the test after this one).

    Received Thu 2026-03-12 15:00. Response is due Thu 17:00; resolution Fri 15:00, so its
    50 % point (4 business hours used) lies after the night, Fri 11:00. The response breach
    reaches the team lead after 1 business hour overdue — across the night, Fri 10:00 — and
    the support manager after 4, Fri 13:00. The resolution breach (Fri 15:00) reaches the
    team lead Fri 16:00 and the support manager, 4 business hours on, across the weekend:
    Mon 11:00.
    """
    ticket = _priority_a_ticket(f.ams(2026, 3, 12, 15, 0), people["assignee"], f.erpm_with_hard_resolution())
    expected = {
        f.ams(2026, 3, 12, 16, 0): {("response", "warning", "50%")},
        f.ams(2026, 3, 12, 16, 30): {("response", "warning", "30m")},
        f.ams(2026, 3, 12, 16, 36): {("response", "warning", "80%")},
        f.ams(2026, 3, 12, 17, 0): {("response", "breach", "assignee+0m")},
        f.ams(2026, 3, 13, 10, 0): {("response", "breach", "team_lead+60m")},
        f.ams(2026, 3, 13, 11, 0): {("resolution", "warning", "50%")},
        f.ams(2026, 3, 13, 13, 0): {("response", "breach", "support_manager+240m")},
        f.ams(2026, 3, 13, 13, 24): {("resolution", "warning", "80%")},
        f.ams(2026, 3, 13, 14, 30): {("resolution", "warning", "30m")},
        f.ams(2026, 3, 13, 15, 0): {("resolution", "breach", "assignee+0m")},
        f.ams(2026, 3, 13, 16, 0): {("resolution", "breach", "team_lead+60m")},
        f.ams(2026, 3, 16, 11, 0): {("resolution", "breach", "support_manager+240m")},
    }
    resolution = ticket.clocks.get(metric="resolution")
    assert resolution.due_at == f.ams(2026, 3, 13, 15, 0)
    # The engine's own answer for the 50 % point agrees with the table above.
    from meldpunt.contracts.catalogs import calendar_for
    from meldpunt.core.catalog import WarningPoint

    calendar = calendar_for(ticket.agreement.catalog, "workdays")
    assert warning_moment(calendar, WarningPoint(percent=50), started=resolution.started_at,
                          due=resolution.due_at) == f.ams(2026, 3, 13, 11, 0)

    # Scan every 20 minutes of wall time from receipt to Tue noon — evenings, the night, the
    # weekend — plus one minute before and exactly at each expected moment.
    ticks = set()
    moment = f.ams(2026, 3, 12, 15, 0)
    while moment <= f.ams(2026, 3, 17, 12, 0):
        ticks.add(moment)
        moment += timedelta(minutes=20)
    for due in expected:
        ticks |= {due - timedelta(minutes=1), due}
    seen: set = set()
    for now in sorted(ticks):
        scan_alerts(now=now)
        new = fired() - seen
        seen |= new
        assert new == expected.get(now, set()), f"at {now:%a %d %H:%M}: fired {new}"
    assert len(seen) == ClockAlert.objects.count() == 12

    # Scanning again at any moment fires nothing twice.
    scan_alerts(now=f.ams(2026, 3, 17, 12, 0), full=True)
    assert ClockAlert.objects.count() == 12

    # In-app: the assignee hears of every warning and of the breach; lead and manager of their step.
    inbox = {who: list(Notification.objects.filter(user=user).order_by("id").values_list("text", flat=True))
             for who, user in people.items()}
    assert len(inbox["assignee"]) == 8  # 6 warnings + 2 breaches
    assert len(inbox["lead"]) == 2 and len(inbox["manager"]) == 2
    assert all("escalated to you as support manager" in text for text in inbox["manager"])
    assert any("warning point 80%" in text and "Friday 13 March 2026 15:00" in text for text in inbox["assignee"])

    # By mail, once each, through Django's mailer after the commit.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    staff = OutboundMail.objects.filter(kind="staff_alert")
    assert staff.count() == 12 and not OutboundMail.objects.exclude(kind="staff_alert").filter(sent_at__isnull=True).exists()
    assert send_pending() == 12
    assert send_pending() == 0
    assert sorted(m.to[0] for m in mail.outbox).count("manager@vendor.test") == 2
    assert staff.filter(sent_at__isnull=True).count() == 0


def test_an_indicative_resolution_time_warns_but_never_escalates(people):
    """Seed 004: "Er kunnen oplossingstijden genoemd worden, dit zijn altijd indicatieve
    tijden." and "* alle oplostijden zijn indicatief". The ERP.M preset says
    ``[targets] indicative = ["resolution"]``: the same priority A ticket as above gets its
    resolution warnings (a reminder to the assignee) but no breach step of the chain; the
    response time stays hard and escalates as before."""
    ticket = _priority_a_ticket(f.ams(2026, 3, 12, 15, 0), people["assignee"])
    resolution = ticket.clocks.get(metric="resolution")
    assert resolution.indicative and resolution.due_at == f.ams(2026, 3, 13, 15, 0)
    assert not ticket.clocks.get(metric="response").indicative
    moment = f.ams(2026, 3, 12, 15, 0)
    while moment <= f.ams(2026, 3, 17, 12, 0):
        scan_alerts(now=moment)
        moment += timedelta(minutes=20)
    scan_alerts(now=f.ams(2026, 3, 17, 12, 0), full=True)
    assert fired() == {
        ("response", "warning", "50%"), ("response", "warning", "30m"), ("response", "warning", "80%"),
        ("response", "breach", "assignee+0m"), ("response", "breach", "team_lead+60m"),
        ("response", "breach", "support_manager+240m"),
        ("resolution", "warning", "50%"), ("resolution", "warning", "80%"), ("resolution", "warning", "30m"),
    }
    assert Notification.objects.filter(user=people["manager"]).count() == 1  # the response step only
    ticket.refresh_from_db()  # the hard response clock still runs: it is the queues' deadline
    assert ticket.next_due_at == ticket.clocks.get(metric="response").due_at and not ticket.next_due_indicative
    add_message(ticket, "We are on it.", author=people["assignee"])  # the response clock stops
    ticket.refresh_from_db()  # now the indicative time is sorted on, but never breached
    assert ticket.next_due_at == resolution.due_at and ticket.next_due_indicative


def test_warnings_reached_in_one_scan_are_recorded_but_only_the_latest_is_told(people):
    ticket = _priority_a_ticket(f.ams(2026, 3, 12, 9, 0), people["assignee"])
    scan_alerts(now=f.ams(2026, 3, 12, 9, 0))
    scan_alerts(now=f.ams(2026, 3, 12, 10, 45))  # response (2h): 50 %, 80 % and 30m all passed
    assert {p for m, k, p in fired() if m == "response"} == {"50%", "80%", "30m"}
    told = Notification.objects.filter(ticket=ticket, user=people["assignee"])
    assert [n.alert.point for n in told] == ["80%"]  # 24 business minutes left, fewer than 30m


def test_a_paused_clock_does_not_warn_and_the_pause_moves_the_moment(people):
    ticket = _priority_a_ticket(f.ams(2026, 3, 12, 9, 0), people["assignee"])
    scan_alerts(now=f.ams(2026, 3, 12, 9, 0))
    change_status(ticket, "waiting_customer", at=f.ams(2026, 3, 12, 10, 0))
    scan_alerts(now=f.ams(2026, 3, 12, 13, 30))
    assert {p for m, k, p in fired() if m == "resolution"} == set()
    change_status(ticket, "in_progress", at=f.ams(2026, 3, 13, 10, 0))  # a business day paused
    resolution = ticket.clocks.get(metric="resolution")
    assert resolution.due_at == f.ams(2026, 3, 13, 17, 0)  # 1 h used, 7 h left after the pause
    # 1 business hour used before the pause; 50 % (4 h) is reached 3 business hours after it ends.
    scan_alerts(now=f.ams(2026, 3, 13, 12, 59))
    assert ("resolution", "warning", "50%") not in fired()
    scan_alerts(now=f.ams(2026, 3, 13, 13, 0))
    assert ("resolution", "warning", "50%") in fired()


def test_nobody_assigned_means_the_team_lead_is_warned(people):
    org = f.organisation()
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org, "erpm", "small"), subject="Down",
                                         impact="organisation", urgency="high", received_at=f.ams(2026, 3, 12, 9, 0)))
    scan_alerts(now=f.ams(2026, 3, 12, 9, 0))
    scan_alerts(now=f.ams(2026, 3, 12, 10, 0))
    assert Notification.objects.filter(ticket=ticket, user=people["lead"], role="assignee").exists()


def test_staff_see_their_notifications_and_customers_do_not(people, client):
    ticket = _priority_a_ticket(f.ams(2026, 3, 12, 9, 0), people["assignee"])
    scan_alerts(now=f.ams(2026, 3, 12, 9, 0))
    scan_alerts(now=f.ams(2026, 3, 12, 10, 0))
    client.force_login(people["assignee"])
    page = client.get("/alerts/")
    assert page.status_code == 200 and f"#{ticket.pk}" in page.content.decode()
    assert client.post("/alerts/read/").status_code == 302
    assert not Notification.objects.filter(user=people["assignee"], read_at__isnull=True).exists()
    customer = f.contact(ticket.organisation)
    client.force_login(customer.user)
    assert client.get("/alerts/").status_code == 404
