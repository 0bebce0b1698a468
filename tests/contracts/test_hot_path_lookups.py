"""The API's hot-path lookups: plain SELECTs that give what the ORM gives, and closed days
cached per process under a revision stamp that every change of a closed day moves."""

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meldpunt.api.auth import live_token
from meldpunt.api.models import ApiToken, hash_token
from meldpunt.contracts.catalogs import calendar_for, closed_days
from meldpunt.contracts.models import Agreement, ClosedDay, ClosedDaysRevision
from meldpunt.contracts.selectors import agreement_to_register, contact_of
from meldpunt.contracts.services import current_version
from tests.support import factories as f

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _closed_on(version, day: date) -> bool:
    """A weekday (Dec 30 and 31, 2026 are Wednesday and Thursday) closed at noon on erpm:workdays."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))
    return not calendar_for(version, "workdays").is_open(int(noon.timestamp()))


def test_the_token_lookup_brings_user_contact_and_organisation_in_one_statement():
    f.catalogs()
    org = f.organisation("Bakkerij")
    contact = f.contact(org)
    raw = f.token(contact.user)
    with CaptureQueriesContext(connection) as ctx:
        found = live_token(hash_token(raw))
        assert found.user.contact.organisation.name == "Bakkerij"
        assert contact_of(found.user).pk == contact.pk
    assert len(ctx.captured_queries) == 1
    stored = ApiToken.objects.get(pk=found.pk)
    assert (found.created_at, found.user.date_joined, found.user.is_active) == (
        stored.created_at, stored.user.date_joined, True)  # converted as a queryset converts them
    ApiToken.objects.filter(pk=found.pk).update(revoked_at=found.created_at)
    assert live_token(hash_token(raw)) is None
    assert live_token(hash_token("mp_unknown")) is None


def test_a_token_of_a_user_without_contact_finds_no_contact():
    staff = f.staff_user()
    found = live_token(hash_token(f.token(staff)))
    assert found.user.pk == staff.pk and contact_of(found.user) is None


def test_registering_finds_only_the_callers_own_agreements_with_their_addons():
    f.catalogs()
    mine, theirs = f.organisation("Mine"), f.organisation("Theirs")
    own = f.agreement(mine, "erpm", "medium", addons=["premium", "koppeling"])
    other = f.agreement(theirs, "erpm", "medium", addons=["premium"])
    bare = f.agreement(mine, "erpm", "small")
    user = f.contact(mine).user
    found = agreement_to_register(user, own.code)
    with CaptureQueriesContext(connection) as ctx:
        assert found.addon_ids() == ["premium", "koppeling"]
        assert found.organisation.name == "Mine" and found.catalog.vendor == "erpm"
        assert "incident" in found.catalog.parsed().kinds
    assert ctx.captured_queries == []
    stored = Agreement.objects.get(pk=own.pk)
    for field in Agreement._meta.concrete_fields:  # every column as the ORM reads it (dates, JSON, ...)
        assert getattr(found, field.attname) == getattr(stored, field.attname), field.name
    assert agreement_to_register(user, bare.code).addon_ids() == []
    assert agreement_to_register(user, other.code) is None
    assert agreement_to_register(user, "NO-SUCH-CODE") is None
    assert agreement_to_register(f.staff_user(), other.code).organisation.name == "Theirs"


def test_the_stamp_moves_with_every_kind_of_change_of_a_closed_day():
    def stamp():
        return ClosedDaysRevision.objects.get(pk=1).revision

    seen = [stamp()]
    day = ClosedDay.objects.create(vendor="erpm", calendar="workdays", date=date(2026, 12, 31), reason="Oudjaar")
    seen.append(stamp())
    ClosedDay.objects.filter(pk=day.pk).update(reason="Oudejaarsdag")  # no save(), no signal
    seen.append(stamp())
    with connection.cursor() as cursor:  # no Django at all
        cursor.execute("INSERT INTO contracts_closedday (vendor, calendar, date, reason) "
                       "VALUES ('erpm', 'workdays', '2026-12-24', 'Kerstavond')")
    seen.append(stamp())
    ClosedDay.objects.all().delete()
    seen.append(stamp())
    assert len(set(seen)) == len(seen)


def test_closed_days_are_read_again_only_when_the_stamp_moved():
    f.catalogs()
    version = current_version("erpm")
    closed_days("erpm", "workdays")  # fills this process's cache
    with CaptureQueriesContext(connection) as ctx:
        assert closed_days("erpm", "workdays") == ()
    assert len(ctx.captured_queries) == 1  # the stamp only
    ClosedDay.objects.create(vendor="erpm", calendar="workdays", date=date(2026, 12, 31), reason="Oudjaar")
    assert closed_days("erpm", "workdays") == ((date(2026, 12, 31), "Oudjaar"),)
    assert _closed_on(version, date(2026, 12, 31))
    ClosedDay.objects.filter(vendor="erpm").update(date=date(2026, 12, 30))
    assert not _closed_on(version, date(2026, 12, 31))
    assert _closed_on(version, date(2026, 12, 30))
    ClosedDay.objects.filter(vendor="erpm").delete()
    assert closed_days("erpm", "workdays") == ()


def test_without_a_stamp_row_the_days_are_read_every_time():
    ClosedDaysRevision.objects.all().delete()
    ClosedDay.objects.create(vendor="erpm", calendar="workdays", date=date(2026, 12, 31), reason="Oudjaar")
    assert closed_days("erpm", "workdays") == ((date(2026, 12, 31), "Oudjaar"),)  # the insert made the row again
    ClosedDaysRevision.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM contracts_closeddaysrevision")
    assert closed_days("erpm", "workdays") == ((date(2026, 12, 31), "Oudjaar"),)


def test_nothing_listens_to_the_save_signals_of_the_rows_registration_bulk_creates():
    """Registration writes ticket, clocks and event with bulk_create, which sends no save
    signals: a listener added later would silently miss them."""
    from django.db.models.signals import post_save, pre_save

    from meldpunt.tickets.models import Clock, Ticket, TicketEvent

    for model in (Ticket, Clock, TicketEvent):
        assert not pre_save.has_listeners(model) and not post_save.has_listeners(model), model


if os.environ.get("DATABASE_URL"):  # SQLite's test database lives in this process's memory

    @pytest.mark.django_db(transaction=True)
    def test_a_closed_day_added_by_another_process_reaches_this_processes_cache():
        f.catalogs()
        version = current_version("erpm")
        assert not _closed_on(version, date(2026, 12, 31))
        s = connection.settings_dict
        url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        script = ("import django; django.setup()\n"
                  "from datetime import date\n"
                  "from meldpunt.contracts.models import ClosedDay\n"
                  "ClosedDay.objects.create(vendor='erpm', calendar='workdays', date=date(2026, 12, 31), reason='Oudjaar')\n")
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src"),
               "DJANGO_SETTINGS_MODULE": "meldpunt.settings", "MELDPUNT_DEBUG": "1"}
        subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT, timeout=120)
        assert _closed_on(version, date(2026, 12, 31))
