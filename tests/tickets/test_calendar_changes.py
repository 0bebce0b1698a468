"""Every change of a calendar or a closed day goes through ``tickets.calendars``, which moves
the open clocks: the admin (add, change, delete, in the background worker), the ``closed_day``
and ``recompute_clocks`` commands, and loading catalog files."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from meldpunt.contracts.models import Agreement, ClosedDay
from meldpunt.core.catalog_loader import preset_text
from meldpunt.tickets import calendars
from meldpunt.tickets.clocks import explain, recompute_clocks
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

# ERP.M Small, priority A: 8 business hours (1 bd on workdays 09:00-17:00) to resolve.
RECEIVED = (2026, 12, 23, 10, 0)
DUE_OPEN = f.ams(2026, 12, 24, 10, 0)  # Christmas Eve is a workday in the preset
DUE_CLOSED = f.ams(2026, 12, 28, 10, 0)  # Eve closed, Christmas and Boxing Day, the weekend


def _ticket(received=RECEIVED, agreement: Agreement | None = None) -> Ticket:
    agreement = agreement or f.agreement(f.organisation(), "erpm", "small")
    return create_ticket(NewRequest(organisation=agreement.organisation, agreement=agreement, subject="Stock wrong",
                                    impact="organisation", urgency="high", received_at=f.ams(*received)))[0]


def _due(ticket: Ticket):
    ticket.refresh_from_db()
    resolution = ticket.clocks.get(metric="resolution")
    assert ticket.next_due_at == min(c.due_at for c in ticket.clocks.filter(state="running"))
    return resolution.due_at


def _agrees_with_the_engine(ticket: Ticket) -> None:
    """What the bulk path stored is what the per-ticket path computes (the same core function)."""
    stored = {c.metric: (c.state, c.started_at, c.due_at, explain(c, "en")) for c in ticket.clocks.all()}
    assert {c.metric: (c.state, c.started_at, c.due_at, c.explanation) for c in recompute_clocks(ticket)} == stored


def _work_the_queue() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_admin_adds_changes_and_deletes_a_closed_day_and_the_worker_moves_the_clocks(client):
    ticket, later = _ticket(), _ticket((2027, 1, 12, 10, 0))
    later_due = _due(later)
    assert _due(ticket) == DUE_OPEN
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@vendor.test", "pw-admin-123"))

    answer = client.post("/admin/contracts/closedday/add/",
                         {"vendor": "erpm", "calendar": "workdays", "date": "2026-12-24", "reason": "Christmas Eve"})
    assert answer.status_code == 302
    assert DBTaskResult.objects.filter(task_path="meldpunt.tickets.tasks.recompute_calendar").count() == 1
    _work_the_queue()
    assert _due(ticket) == DUE_CLOSED and _due(later) == later_due
    assert ticket.events.filter(kind="clock", data__reason="closed days of calendar workdays changed").count() == 1
    assert later.events.filter(kind="clock").count() == 0
    # Moved clocks get their alerts swept at once, not at the next hourly sweep.
    assert DBTaskResult.objects.filter(task_path="meldpunt.escalation.tasks.scan_alerts",
                                       args_kwargs__kwargs={"full": True}).exists()
    _agrees_with_the_engine(ticket)

    closed = ClosedDay.objects.get()  # moved to New Year's Eve: the clock comes back, the later one stays
    answer = client.post(f"/admin/contracts/closedday/{closed.pk}/change/",
                         {"vendor": "erpm", "calendar": "workdays", "date": "2026-12-31", "reason": "Oudjaar"})
    assert answer.status_code == 302
    _work_the_queue()
    assert _due(ticket) == DUE_OPEN and _due(later) == later_due
    _agrees_with_the_engine(ticket)

    stuck = _ticket((2026, 12, 30, 16, 0))  # 1 h that day, Oudjaar closed, New Year, the weekend, 7 h on the 4th
    assert _due(stuck) == f.ams(2027, 1, 4, 16, 0)
    answer = client.post(f"/admin/contracts/closedday/{closed.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302 and not ClosedDay.objects.exists()
    _work_the_queue()
    assert _due(stuck) == f.ams(2026, 12, 31, 16, 0)
    _agrees_with_the_engine(stuck)
    assert DBTaskResult.objects.filter(task_path="meldpunt.tickets.tasks.recompute_calendar",
                                       status="SUCCESSFUL").count() == 3


@pytest.mark.django_db
def test_the_admin_refuses_a_calendar_no_catalog_has(client):
    f.catalogs()
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@vendor.test", "pw-admin-123"))
    answer = client.post("/admin/contracts/closedday/add/",
                         {"vendor": "erpm", "calendar": "werkdagen", "date": "2026-12-24", "reason": "typo"})
    assert answer.status_code == 200 and not ClosedDay.objects.exists()
    assert "Vendor erpm has no calendar werkdagen; calendars: premium-incidents, workdays." in answer.content.decode()
    try:
        answer = client.post("/admin/contracts/closedday/add/", HTTP_ACCEPT_LANGUAGE="nl",
                             data={"vendor": "acme", "calendar": "workdays", "date": "2026-12-24", "reason": "typo"})
    finally:
        translation.activate("en")  # the Dutch request leaves its language active in this thread
    assert "Er is geen catalogus van leverancier acme geladen." in answer.content.decode()


@pytest.mark.django_db
def test_the_closed_day_command_moves_the_clocks_before_it_returns(capsys):
    ticket = _ticket()
    call_command("closed_day", "--vendor", "erpm", "--calendar", "workdays", "--add", "2026-12-24", "--reason", "Kerstavond")
    assert "1 tickets" in capsys.readouterr().out
    assert _due(ticket) == DUE_CLOSED
    assert "Skipped closed day: Thursday 24 December 2026, Kerstavond" in explain(ticket.clocks.get(metric="resolution"), "en")
    _agrees_with_the_engine(ticket)

    call_command("closed_day", "--vendor", "erpm", "--calendar", "workdays", "--remove", "2026-12-24")
    assert _due(ticket) == DUE_OPEN
    _agrees_with_the_engine(ticket)
    assert ticket.events.filter(kind="clock").count() == 2

    for args, message in [
        (["--add", "2026-12-24", "--calendar", "werkdagen", "--reason", "x"], "has no calendar werkdagen"),
        (["--remove", "2026-12-24", "--calendar", "workdays"], "has no closed day on 2026-12-24"),
        (["--add", "24-12-2026", "--calendar", "workdays", "--reason", "x"], "--add: '24-12-2026' is not a date such as 2026-12-24"),
        (["--add", "2026-12-24", "--calendar", "workdays"], "--reason"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("closed_day", "--vendor", "erpm", *args)
    assert not ClosedDay.objects.exists()


@pytest.mark.django_db
def test_recompute_clocks_command_goes_through_the_service(capsys):
    ticket = _ticket()
    ClosedDay.objects.create(vendor="erpm", calendar="workdays", date=date(2026, 12, 24), reason="Christmas Eve")
    assert _due(ticket) == DUE_OPEN  # a row written behind the service's back moves nothing ...
    call_command("recompute_clocks", "--vendor", "erpm", "--calendar", "workdays")  # ... until this
    assert "(1 tickets)" in capsys.readouterr().out
    assert _due(ticket) == DUE_CLOSED
    assert ticket.events.filter(kind="clock", data__reason="clocks of calendar workdays recomputed").exists()
    with pytest.raises(CommandError, match="No catalog of vendor acme is loaded"):
        call_command("recompute_clocks", "--vendor", "acme", "--calendar", "workdays")


@pytest.mark.django_db
def test_a_catalog_load_recomputes_changed_calendars_on_its_own_version_only(tmp_path, capsys):
    ticket = _ticket()  # signed under the preset version
    shorter = (preset_text("erpm").replace('version = "2026.1"', 'version = "2027.1"')
               .replace('fri = ["09:00-17:00"] }\nholidays', 'fri = ["09:00-13:00"] }\nholidays', 1))
    assert shorter.count('"09:00-13:00"') == 1
    path = tmp_path / "erpm-2027.toml"
    path.write_text(shorter)
    call_command("load_catalogs", str(path))
    out = capsys.readouterr().out
    assert "2027.1" in out and "loaded" in out
    assert "calendar workdays new or changed since the previous version" in out
    assert "premium-incidents" not in out  # unchanged calendars are left alone
    assert _due(ticket) == DUE_OPEN  # DESIGN.md: an agreement keeps the version it was signed under
    # Loading the same file again changes nothing and recomputes nothing.
    [again] = calendars.load_catalogs([(shorter, "erpm-2027.toml")])
    assert not again.created and again.reports == []
    # A ticket on the new version is due by the new hours: 1 bd from Thursday 14:00 on uneven
    # days is the same position in Friday, capped at its 4 hours (Friday 14:00 on the old hours).
    newer = f.agreement(f.organisation(), "erpm", "small")
    assert newer.catalog.version == "2027.1"
    assert _due(_ticket((2027, 1, 7, 14, 0), newer)) == f.ams(2027, 1, 8, 13, 0)
    assert _due(_ticket((2027, 1, 7, 14, 0), ticket.agreement)) == f.ams(2027, 1, 8, 14, 0)


@pytest.mark.django_db
def test_the_presets_load_through_the_service():
    first = calendars.load_catalogs()
    assert {load.version.vendor for load in first} == {"invantive", "infor", "erpm"} and all(load.created for load in first)
    erpm = next(load for load in first if load.version.vendor == "erpm")
    assert sorted(erpm.changed_calendars) == ["premium-incidents", "workdays"]  # new: nothing to move yet
    assert all(r.examined == 0 for r in erpm.reports)
    assert all(not load.created and not load.reports for load in calendars.load_catalogs())
