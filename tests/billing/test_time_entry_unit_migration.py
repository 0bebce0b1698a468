"""Billing 0003: a time entry stored with an English explanation keeps its facts (the unit is
read from the sentence) and reads in each reader's language after the migration (issue 21)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from meldpunt.billing.models import TimeEntry
from meldpunt.billing.wording import entry_words
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = [("billing", "0002_time_entry_idempotency_key")], [("billing", "0003_time_entry_unit_minutes")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


def test_old_english_explanations_become_facts_worded_for_each_reader():
    org = f.organisation("Northwind", language="en")
    ticket, _ = create_ticket(NewRequest(organisation=org, agreement=f.agreement(org, "invantive", "subscription"),
                                         kind="question", subject="Joins"))
    old = _migrate(BEFORE).get_model("billing", "TimeEntry")
    common = {"ticket_id": ticket.pk, "started_at": timezone.now(), "billable": True, "rate": Decimal("120.00")}
    rounded = old.objects.create(minutes=31, billed_minutes=60, amount=Decimal("120.00"), **common,
                                 explanation="31 min worked, billed as 60 min (rounded up to whole 30-minute units) "
                                             "at 120.00/h = 120.00")
    plain = old.objects.create(minutes=31, billed_minutes=31, amount=Decimal("62.00"), **common,
                               explanation="31 min worked and billed at 120.00/h = 62.00")
    _migrate(AFTER)
    rounded, plain = TimeEntry.objects.get(pk=rounded.pk), TimeEntry.objects.get(pk=plain.pk)
    assert (rounded.unit_minutes, plain.unit_minutes) == (30, 1)
    assert entry_words(rounded, "EUR", "nl") == ("31 min gewerkt, gefactureerd als 1 u (naar boven afgerond op hele "
                                                 "eenheden van 30 minuten) tegen € 120,00/u = € 120,00")
    assert entry_words(plain, "EUR", "en") == "31 min worked and billed at €120.00/h = €62.00"
