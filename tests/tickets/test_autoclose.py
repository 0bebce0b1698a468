"""Issue 19: a resolved request closes by itself when its catalog's reopen window is over,
once, with an event; a reply after that starts a linked request; the pages say when."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from meldpunt.contracts.services import current_version, load_catalog_text
from meldpunt.core.catalog import DEFAULT_REOPEN_DAYS
from meldpunt.escalation.scheduler import JOBS
from meldpunt.tickets.autoclose import close_resolved, closes_at
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.replies import customer_reply, linked
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _resolved(desk, subject="Voorraad klopt niet", org="a", agreement=None):
    ticket, _ = create_ticket(NewRequest(organisation=desk[f"org_{org}"], agreement=agreement or desk[f"agr_{org}"],
                                         contact=desk[f"{org}_coord"], subject=subject, impact="organisation",
                                         urgency="high"))
    add_message(ticket, "We kijken ernaar.", author=desk["staff"])
    return change_status(ticket, "resolved", actor=desk["staff"])


def test_a_resolved_request_closes_after_the_window_once_with_an_event(client, desk):
    before = timezone.now()
    ticket, still_open = _resolved(desk), _resolved(desk, "Nog open")
    change_status(still_open, "in_progress", actor=desk["staff"])
    ends = closes_at(Ticket.objects.get(pk=ticket.pk))
    assert ends is not None and timedelta(0) <= ends - before - timedelta(days=DEFAULT_REOPEN_DAYS) \
        <= timedelta(seconds=30)
    assert close_resolved(ends - timedelta(minutes=1)) == []
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"
    assert close_resolved(ends + timedelta(minutes=1)) == [ticket.pk]
    closed = Ticket.objects.get(pk=ticket.pk)
    assert closed.status == "closed" and closes_at(closed) is None
    event = closed.events.get(kind="auto_closed")
    assert event.actor is None and event.data["days"] == DEFAULT_REOPEN_DAYS
    assert closed.events.filter(kind="status", data__new="closed").count() == 1
    assert close_resolved(ends + timedelta(days=3)) == []  # idempotent: nothing twice
    client.force_login(desk["staff"])
    page = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert f"Closed automatically, {DEFAULT_REOPEN_DAYS} days after it was resolved" in page
    assert closed.events.filter(kind="auto_closed").count() == 1
    assert Ticket.objects.get(pk=still_open.pk).status == "in_progress"


def test_the_window_is_the_catalogs_and_a_later_reply_starts_a_linked_request(desk):
    preset = current_version("erpm")
    text = preset.source.replace('version = "2026.1"', 'version = "2026.1-close"\nreopen_days = 2', 1)
    version, _ = load_catalog_text(text, "erpm-close.toml")
    short = f.agreement(desk["org_a"], "erpm", "small")
    short.catalog = version
    short.save(update_fields=["catalog"])
    quick = _resolved(desk, "Korte termijn", agreement=short)
    ticket = _resolved(desk)
    assert closes_at(ticket) - closes_at(quick) > timedelta(days=DEFAULT_REOPEN_DAYS - 2, seconds=-30)
    assert close_resolved(closes_at(quick) + timedelta(seconds=1)) == [quick.pk]  # the 14-day one waits
    ends = closes_at(ticket)
    assert close_resolved(ends + timedelta(seconds=1)) == [ticket.pk]
    reply = customer_reply(Ticket.objects.get(pk=ticket.pk), "Het is weer fout.", author=desk["a_coord"].user,
                           at=ends + timedelta(hours=1))
    assert reply.outcome == "follow_up" and linked(reply.ticket) == {"previous": ticket.pk, "follow_ups": []}


def test_the_scheduler_runs_it_hourly():
    job = next(job for job in JOBS if job.name == "auto-close")
    assert job.task == "meldpunt.tickets.tasks.close_resolved" and job.every == timedelta(hours=1)


def test_the_pages_say_when_a_resolved_request_closes(client, desk):
    ticket = _resolved(desk)
    day = f"{timezone.localtime(closes_at(ticket)):%-d}"
    client.force_login(desk["staff"])
    page = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert 'id="auto-close-note"' in page and "will close automatically on" in page and day in page
    client.force_login(desk["a_coord"].user)
    page = client.get(f"/portal/requests/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'id="auto-close-note"' in page and "automatisch gesloten" in page
    change_status(ticket, "in_progress", actor=desk["staff"])
    assert 'id="auto-close-note"' not in client.get(f"/portal/requests/{ticket.pk}/").content.decode()


if os.environ.get("DATABASE_URL"):

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_two_workers_never_close_one_request_twice_and_never_wait(desk):
        """Another worker (or an agent) holds the request's row: this run skips it without
        waiting; once it is free the next run closes it, and a third closes nothing."""
        ticket, free = _resolved(desk), _resolved(desk, "Vrij")
        later = closes_at(Ticket.objects.get(pk=ticket.pk)) + timedelta(hours=1)
        holding, release, errors = threading.Event(), threading.Event(), []

        def other_worker() -> None:
            try:
                with transaction.atomic():
                    Ticket.objects.select_for_update().get(pk=ticket.pk)
                    holding.set()
                    release.wait(10)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        thread = threading.Thread(target=other_worker)
        thread.start()
        assert holding.wait(10)
        try:
            assert close_resolved(later) == [free.pk]  # skipped the held row, did not wait for it
        finally:
            release.set()
            thread.join(15)
        assert errors == []
        assert close_resolved(later) == [ticket.pk]
        assert close_resolved(later) == []
        assert Ticket.objects.get(pk=ticket.pk).events.filter(kind="auto_closed").count() == 1
