"""Customer product versions per agreement and the yearly upgrade reminder (issue 20 item 4). Seed 000:
"Wij raden u aan om ten minste eenmaal per jaar te upgraden naar de dan nieuwste productieversie."
Seed 001: "We recommend that you always upgrade to the last version with a state of Production of Long
Term Support." Mail goes through the one outbox, to a real SMTP sink; the scheduler enqueues the job."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django_tasks_db.models import DBTaskResult

from meldpunt.escalation.models import ScheduledRun
from meldpunt.escalation.scheduler import JOBS, tick
from meldpunt.intake.models import OutboundMail
from meldpunt.knowledge.models import Product, Release
from meldpunt.upgrades.services import VersionError, record_version, send_upgrade_reminders
from meldpunt.upgrades.tasks import send_upgrade_reminders as reminder_task
from tests.support import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def northwind():
    org = f.organisation("Northwind", language="nl")
    coordinator = f.contact(org, username="jan", language="nl")
    agreement = f.agreement(org, "invantive", "subscription", coordinator=coordinator, starts_on=date(2025, 1, 1))
    cloud = Product.objects.create(vendor="invantive", slug="cloud", name="Invantive Cloud")
    Release.objects.create(product=cloud, version="24.0.100", state="production", released_on=date(2025, 6, 1))
    Release.objects.create(product=cloud, version="24.0.130", state="lts", released_on=date(2026, 9, 1),
                           requires_new_licence_key=True)
    Release.objects.create(product=cloud, version="23.0.9", state="eol", released_on=date(2026, 10, 1))
    return agreement


def test_a_year_on_one_version_reminds_the_coordinator_once_in_their_language(northwind, smtp_sink):
    record_version(northwind, product="Invantive Cloud", version="24.0.100", since=date(2025, 11, 1))
    assert send_upgrade_reminders(date(2026, 10, 31)).queued == []
    result = send_upgrade_reminders(date(2026, 11, 1))
    assert result.queued == [f"{northwind.code} Invantive Cloud 24.0.100"]
    [mail] = smtp_sink.wait_for(1)
    assert mail["To"] == northwind.coordinator.email
    assert mail["Subject"] == "Tijd om Invantive Cloud 24.0.100 te upgraden"
    body = mail.get_content()
    # the newest release in production or LTS, not the newer end-of-life one
    assert "24.0.130" in body and "23.0.9" not in body and "ten minste eenmaal per jaar" in body
    assert "nieuwe licentiesleutel" in body
    assert "sinds 1 november 2025" in body and "1 september 2026" in body and "2025-11-01" not in body  # Dutch dates
    # A rerun, a second worker, the next day: nothing twice.
    assert send_upgrade_reminders(date(2026, 11, 1)).queued == []
    assert send_upgrade_reminders(date(2026, 11, 2)).queued == []
    assert OutboundMail.objects.filter(kind="upgrade_reminder").count() == 1
    # Still not upgraded a year later: the next round.
    assert len(send_upgrade_reminders(date(2027, 11, 1)).queued) == 1


def test_an_upgrade_starts_the_year_again_and_the_newest_release_needs_no_reminder(northwind, smtp_sink):
    record_version(northwind, product="Invantive Cloud", version="24.0.100", since=date(2025, 1, 10))
    record_version(northwind, product="invantive cloud", version="24.0.130", since=date(2026, 9, 15))
    assert send_upgrade_reminders(date(2026, 11, 1)).queued == []
    result = send_upgrade_reminders(date(2027, 9, 15))
    assert result.queued == [] and "already the newest" in result.skipped[0]
    assert not OutboundMail.objects.filter(kind="upgrade_reminder").exists()


def test_a_catalog_that_does_not_ask_sends_nothing(smtp_sink):
    org = f.organisation()
    erpm = f.agreement(org, "erpm", "small", coordinator=f.contact(org), starts_on=date(2025, 1, 1))
    record_version(erpm, product="ERP.M", version="2025.1", since=date(2025, 1, 1))
    assert send_upgrade_reminders(date(2026, 6, 1)).queued == []


def test_bad_versions_are_refused_with_a_reason(northwind):
    with pytest.raises(VersionError):
        record_version(northwind, product=" ", version="1")
    with pytest.raises(VersionError):
        record_version(northwind, product="Invantive Cloud", version="1", since=date(2999, 1, 1))


def test_the_scheduler_enqueues_the_daily_job_once_and_the_task_queues_the_mail(northwind):
    record_version(northwind, product="Invantive Cloud", version="24.0.100", since=date(2025, 11, 1))
    now = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
    jobs = tuple(job for job in JOBS if job.name == "upgrade-reminders")
    assert tick(now, jobs) == ["upgrade-reminders"] and tick(now, jobs) == []  # once per day however many tick
    run = ScheduledRun.objects.get(job="upgrade-reminders")
    assert DBTaskResult.objects.get(pk=run.task_id).task_path == "meldpunt.upgrades.tasks.send_upgrade_reminders"
    assert reminder_task.call(today="2026-11-01") == {"queued": [f"{northwind.code} Invantive Cloud 24.0.100"],
                                                       "skipped": []}
    mail = OutboundMail.objects.get(kind="upgrade_reminder")  # in the one outbox, its send task enqueued
    assert mail.to == northwind.coordinator.email and mail.language == "nl"


def test_staff_record_versions_in_the_admin(northwind, client):
    row = record_version(northwind, product="Invantive Cloud", version="24.0.100", since=date(2025, 11, 1))
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@vendor.test", "pw-boss-123"))
    for url in ("/admin/upgrades/productversion/", "/admin/upgrades/productversion/add/",
                f"/admin/upgrades/productversion/{row.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200 and "24.0.100" in response.content.decode() or url.endswith("add/"), url
