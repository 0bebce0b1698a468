"""Infor Elite's customer success manager acts (issue 20 item 1), each test quoting seed 003."""

from __future__ import annotations

import json

import pytest

from meldpunt.notifications.models import Notification, Watch
from meldpunt.success.models import SuccessManager
from meldpunt.success.services import ManagerError, name_manager, remove_manager
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.replies import customer_reply
from meldpunt.tickets.requests import NewRequest
from tests.support import factories as f
from tests.support.desk_fixtures import Api

pytestmark = pytest.mark.django_db


def _request(org, agreement, contact, subject="Batch blijft hangen"):
    return create_ticket(NewRequest(organisation=org, agreement=agreement, contact=contact, subject=subject,
                                    description="De nachtelijke batch stopt.", channel="portal"))[0]


def test_a_manager_named_on_an_elite_agreement_watches_its_requests_and_hears_replies():
    """Seed 003, Xtreme Elite: "U krijgt een Customer Success Manager (CSM) toegewezen. De Dedicated Customer
    Success Manager houdt contact met de betreffende medewerkers van uw bedrijf en Infor om erop toe te zien dat
    problemen adequaat worden opgelost." """
    org = f.organisation("Noordzee Logistiek")
    ann = f.contact(org)
    elite = f.agreement(org, "infor", "xtreme-elite")
    before = _request(org, elite, ann, "Open voor de benoeming")
    csm = f.staff_user("csm-petra")
    name_manager(elite, csm)
    assert Watch.objects.filter(user=csm, ticket=before).exists()  # open requests from before
    after = _request(org, elite, ann)
    assert Watch.objects.filter(user=csm, ticket=after).exists()  # and every new one
    customer_reply(after, "Hij hangt nog steeds.", contact=ann)
    assert Notification.objects.filter(user=csm, ticket=after, kind="customer_reply").exists()
    other = f.agreement(org, "infor", "xtreme-elite")
    assert not Watch.objects.filter(user=csm, ticket=_request(org, other, ann)).exists()  # not its agreement
    assert remove_manager(elite) and not SuccessManager.objects.filter(agreement=elite).exists()
    assert not Watch.objects.filter(user=csm, ticket=_request(org, elite, ann, "Na het einde")).exists()


def test_naming_a_manager_on_a_package_without_one_is_refused():
    """Seed 003 offers the manager only in Xtreme Elite; Xtreme and Premium do not include one."""
    org = f.organisation("Zuid BV")
    premium = f.agreement(org, "infor", "xtreme-premium")
    with pytest.raises(ManagerError, match="does not include a dedicated customer success manager"):
        name_manager(premium, f.staff_user())
    erpm = f.agreement(org, "erpm", "small")
    with pytest.raises(ManagerError):
        name_manager(erpm, f.staff_user())
    elite = f.agreement(org, "infor", "xtreme-elite")
    with pytest.raises(ManagerError, match="member of staff"):
        name_manager(elite, f.contact(org, username="klant-1").user)
    assert not SuccessManager.objects.exists()


def test_the_customer_sees_their_manager_on_the_portal(client):
    """Seed 003: "U krijgt een Customer Success Manager (CSM) toegewezen." """
    org = f.organisation("Noordzee Logistiek")
    ann = f.contact(org, username="ann-csm", language="en")
    elite = f.agreement(org, "infor", "xtreme-elite")
    csm = f.staff_user("csm-joost")
    csm.first_name, csm.last_name = "Joost", "Bakker"
    csm.save()
    client.force_login(ann.user)
    assert "success-manager" not in client.get(f"/portal/agreements/{elite.pk}/").content.decode()
    name_manager(elite, csm)
    page = client.get(f"/portal/agreements/{elite.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="success-manager"' in page and "Joost Bakker" in page and "mailto:csm-joost@vendor.test" in page


def test_staff_name_the_manager_through_the_api_and_the_admin(client):
    """Seed 003 (Elite): a named CSM; a package without the entitlement is refused (400), a customer 403."""
    org = f.organisation("Noordzee Logistiek")
    coordinator = f.contact(org)
    elite = f.agreement(org, "infor", "xtreme-elite", coordinator=coordinator)
    premium = f.agreement(org, "infor", "xtreme-premium")
    staff, csm = f.staff_user(), f.staff_user("csm-anna")
    api = Api(staff)
    put = lambda pk, body, who=api: who.client.put(  # noqa: E731
        f"/api/agreements/{pk}/success-manager", json.dumps(body), content_type="application/json", **who.headers)
    answer = put(elite.pk, {"user": csm.pk})
    assert answer.status_code == 200 and answer.json()["user"] == csm.pk and answer.json()["email"] == "csm-anna@vendor.test"
    refused = put(premium.pk, {"user": csm.pk})
    assert refused.status_code == 400 and "does not include a dedicated customer success manager" in refused.json()["detail"]
    assert put(elite.pk, {"user": 99999999}).status_code == 400
    customer = Api(coordinator.user)
    assert customer.get(f"/api/agreements/{elite.pk}/success-manager").json()["user"] == csm.pk
    assert put(elite.pk, {"user": None}, customer).status_code == 403
    stranger = Api(f.contact(f.organisation("Elders")).user)
    assert stranger.get(f"/api/agreements/{elite.pk}/success-manager").status_code == 404
    assert put(elite.pk, {"user": None}).json()["user"] is None
    # The admin's form refuses the same, with the reason.
    client.force_login(f.staff_user("admin-1"))
    admin = type(staff).objects.get(username="admin-1")
    admin.is_superuser = True
    admin.save()
    response = client.post("/admin/success/successmanager/add/", {"agreement": premium.pk, "user": csm.pk})
    assert response.status_code == 200 and "does not include a dedicated customer success manager" in response.content.decode()
    response = client.post("/admin/success/successmanager/add/", {"agreement": elite.pk, "user": csm.pk})
    assert response.status_code == 302 and SuccessManager.objects.get(agreement=elite).user == csm
