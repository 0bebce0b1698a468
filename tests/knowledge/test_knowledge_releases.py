"""Releases and critical fixes (seed 003): announced only to opted-in contacts of organisations
whose running agreement grants fix notifications; a release may need a new licence key."""

from datetime import date

import pytest
from django.core import mail

from meldpunt.knowledge.models import FixNotificationOptIn, Notification, Product, Release
from meldpunt.knowledge.releases import announce_critical_fix, fix_recipients, may_opt_in, set_opt_in
from meldpunt.knowledge.services import KnowledgeError
from tests.support import factories as f
from tests.support.factories import IMMEDIATE_TASKS


@pytest.fixture
def fix(db, settings):
    settings.TASKS = IMMEDIATE_TASKS  # the outbox mail is sent by a task after the commit
    product = Product.objects.create(vendor="infor", slug="ln", name="Infor LN")
    release = Release.objects.create(product=product, version="10.7", state="lts", released_on=date(2026, 9, 1),
                                     requires_new_licence_key=True)
    xtreme = f.organisation("Acme", language="en")  # Infor Xtreme grants fix_notifications
    opted, silent = f.contact(xtreme, username="opted"), f.contact(xtreme, coordinator=False, username="silent")
    f.agreement(xtreme, "infor", "xtreme")
    set_opt_in(contact=opted, on=True)

    erpm = f.organisation("Bakker")  # ERP.M does not grant it; an opt-in row there means nothing
    erpm_contact = f.contact(erpm, username="erpm")
    f.agreement(erpm, "erpm", "small")
    FixNotificationOptIn.objects.create(contact=erpm_contact)

    ended = f.organisation("Former")  # Infor agreement that ended
    ended_contact = f.contact(ended, username="former")
    f.agreement(ended, "infor", "xtreme-elite", starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31))
    FixNotificationOptIn.objects.create(contact=ended_contact)
    return {"release": release, "opted": opted, "silent": silent, "erpm": erpm_contact, "ended": ended_contact}


def test_only_opted_in_contacts_with_the_entitlement_hear_of_a_fix(fix, django_capture_on_commit_callbacks):
    assert [c.pk for c in fix_recipients(fix["release"], date(2026, 10, 1))] == [fix["opted"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        announcement = announce_critical_fix(release=fix["release"], title="Data loss in batch posting",
                                             body="Install patch 10.7.3 today.", actor=f.staff_user(),
                                             today=date(2026, 10, 1))
    assert [m.to for m in mail.outbox] == [[fix["opted"].email]]
    message = mail.outbox[0]
    assert message.subject == "Critical fix for Infor LN 10.7: Data loss in batch posting"
    assert "Install patch 10.7.3 today." in message.body and "needs a new licence key" in message.body
    assert list(announcement.recipients.all()) == [fix["opted"]]
    assert Notification.objects.filter(user=fix["opted"].user).count() == 1
    for other in ("silent", "erpm", "ended"):
        assert not Notification.objects.filter(user=fix[other].user).exists()


def test_opting_in_needs_the_entitlement_and_can_be_undone(fix):
    assert may_opt_in(fix["silent"]) and not may_opt_in(fix["erpm"])
    with pytest.raises(KnowledgeError):
        set_opt_in(contact=f.contact(f.organisation("No fixes")), on=True)
    set_opt_in(contact=fix["opted"], on=False)
    assert fix_recipients(fix["release"], date(2026, 10, 1)) == []


def test_a_fix_for_another_vendors_product_reaches_nobody_here(fix):
    other = Release.objects.create(product=Product.objects.create(vendor="invantive", slug="iqt", name="Query Tool"),
                                   version="25.0", released_on=date(2026, 9, 1))
    assert fix_recipients(other, date(2026, 10, 1)) == []


def test_releases_page_shows_states_the_licence_key_note_and_the_opt_in(fix, client):
    client.force_login(fix["silent"].user)
    page = client.get("/knowledge/releases/")
    assert page.status_code == 200
    for text in ("Infor LN", "10.7", "Long-term support", "needs a new licence key", "Notify me of critical fixes"):
        assert text in page.text, text
    client.post("/knowledge/releases/opt-in/", {"on": "1"})
    assert FixNotificationOptIn.objects.filter(contact=fix["silent"]).exists()
    client.force_login(fix["erpm"].user)
    assert "Notify me of critical fixes" not in client.get("/knowledge/releases/").text


def test_staff_announce_from_the_releases_page(fix, client, django_capture_on_commit_callbacks):
    client.force_login(f.staff_user())
    prefix = f"r{fix['release'].pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/knowledge/releases/{fix['release'].pk}/announce/",
                               {f"{prefix}-title": "Posting fix", f"{prefix}-body": "Patch now."})
    assert response.status_code == 302 and [m.to for m in mail.outbox] == [[fix["opted"].email]]
    customer = fix["opted"].user
    client.force_login(customer)
    assert client.post(f"/knowledge/releases/{fix['release'].pk}/announce/", {}).status_code == 404
    assert "Critical fix for Infor LN 10.7: Posting fix" in client.get("/knowledge/notifications/").text
