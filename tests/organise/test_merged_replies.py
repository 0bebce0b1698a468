"""Issue 19: answers that still name a merged duplicate — by mail (``[#n]`` in the subject,
no reply headers), in the portal and through the API — and who follows after a merge."""

from __future__ import annotations

import pytest
from django.test import Client

from meldpunt.intake import followers
from meldpunt.intake.services import ingest
from meldpunt.organise.merging import merge
from meldpunt.tickets.merged import survivor
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import change_status
from tests.support import factories as f
from tests.support.desk_fixtures import Api
from tests.support.samples import mail

pytestmark = pytest.mark.django_db


def _ticket(desk, subject, contact):
    return create_ticket(NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], subject=subject,
                                    impact="one", urgency="low", contact=contact))[0]


@pytest.fixture
def merged(desk):
    """A plain contact's duplicate merged into the coordinator's request."""
    keep = _ticket(desk, "Orders komen niet binnen", desk["a_coord"])
    dup = _ticket(desk, "Orders komen nog steeds niet", desk["a_plain"])
    merge(dup, keep, actor=desk["staff"])
    return {"keep": Ticket.objects.get(pk=keep.pk), "dup": Ticket.objects.get(pk=dup.pk)}


def test_a_mail_naming_the_duplicates_number_lands_on_the_survivor_with_an_event(desk, merged):
    keep, dup = merged["keep"], merged["dup"]
    answer = mail(sender=f"Piet <{desk['a_plain'].email}>", subject=f"[#{dup.pk}] Re: Orders",
                  message_id="<late@alpha.test>", body="Nog een order mist: 4712.")
    result = ingest(answer, received_at=f.ams(2026, 11, 30, 11, 0))
    assert (result.outcome, result.ticket) == ("appended", keep.pk)
    assert f"#{dup.pk}" in result.reason
    message = Ticket.objects.get(pk=keep.pk).messages.get(body__contains="4712")
    assert message.from_customer and message.public
    event = Ticket.objects.get(pk=keep.pk).events.get(kind="reply_for_merged")
    assert event.data == {"ticket": dup.pk, "message": message.pk, "channel": "email"}
    assert not Ticket.objects.get(pk=dup.pk).messages.exists()  # nothing lands on the closed duplicate
    assert Ticket.objects.get(pk=dup.pk).status == "closed"
    console = Client()
    console.force_login(desk["staff"])
    page = console.get(f"/console/tickets/{keep.pk}/").content.decode()
    assert f"The customer&#x27;s answer came for request #{dup.pk}, which was merged into this one" in page


def test_merges_of_merges_are_followed_and_a_stranger_still_starts_a_new_request(desk, merged):
    keep, dup = merged["keep"], merged["dup"]
    last = _ticket(desk, "Koppeling", desk["a_coord"])
    merge(keep, last, actor=desk["staff"])
    assert survivor(dup).pk == last.pk and survivor(last) is None
    answer = mail(sender=f"Piet <{desk['a_plain'].email}>", subject=f"[#{dup.pk}] nog steeds", message_id="<x@a.test>")
    assert ingest(answer, received_at=f.ams(2026, 11, 30, 12, 0)).ticket == last.pk
    stranger = mail(sender="Eve <eve@elsewhere.test>", subject=f"[#{dup.pk}] hallo", message_id="<eve@e.test>")
    result = ingest(stranger, received_at=f.ams(2026, 11, 30, 12, 5))
    assert result.outcome == "created" and result.ticket not in (dup.pk, keep.pk, last.pk)
    assert Ticket.objects.get(pk=last.pk).events.filter(kind="reply_for_merged").count() == 1


def test_a_merge_makes_the_duplicates_reporter_and_followers_follow_the_survivor(desk, merged):
    keep = merged["keep"]
    assert [fl.email for fl in followers.listed(keep)] == [desk["a_plain"].email]
    other = _ticket(desk, "Nog een dubbel", desk["a_plain2"])
    followers.add(other, "consultant@partner.test", by=desk["staff"], outside=True)
    merge(other, keep, actor=desk["staff"])
    assert {fl.email for fl in followers.listed(keep)} == {desk["a_plain"].email, desk["a_plain2"].email,
                                                           "consultant@partner.test"}
    # the plain contacts now see the survivor in the portal
    portal = Client()
    portal.force_login(desk["a_plain2"].user)
    assert portal.get(f"/portal/requests/{keep.pk}/").status_code == 200


def test_the_portal_page_of_a_duplicate_links_the_survivor_and_refuses_an_answer(desk, merged):
    keep, dup = merged["keep"], merged["dup"]
    portal = Client()
    portal.force_login(desk["a_plain"].user)
    page = portal.get(f"/portal/requests/{dup.pk}/").content.decode()
    assert 'id="merged-note"' in page and f'href="/portal/requests/{keep.pk}/"' in page
    assert 'name="body"' not in page  # no answer form on a merged duplicate
    before = Ticket.objects.get(pk=keep.pk).messages.count()
    response = portal.post(f"/portal/requests/{dup.pk}/", {"body": "Mijn late aanvulling."})
    assert response.status_code == 409
    page = response.content.decode()
    assert f"merged into request #{keep.pk}" in page and "Mijn late aanvulling." in page  # the text is not lost
    assert Ticket.objects.get(pk=keep.pk).messages.count() == before and not Ticket.objects.get(pk=dup.pk).messages.exists()
    portal.force_login(desk["b_coord"].user)
    assert portal.get(f"/portal/requests/{dup.pk}/").status_code == 404


def test_the_api_answers_409_with_the_survivor_for_a_message_to_a_duplicate(desk, merged):
    keep, dup = merged["keep"], merged["dup"]
    for user in (desk["a_plain"].user, desk["staff"]):
        response = Api(user).post(f"/api/tickets/{dup.pk}/messages", {"body": "Aanvulling"})
        assert response.status_code == 409 and response.json()["merged_into"] == keep.pk
    assert Api(desk["b_coord"].user).post(f"/api/tickets/{dup.pk}/messages", {"body": "x"}).status_code == 404
    response = Api(desk["a_plain"].user).post(f"/api/tickets/{keep.pk}/messages", {"body": "Aanvulling"})
    assert response.status_code == 201
    # a request closed without a merge still takes a customer's answer (a linked follow-up)
    closed = change_status(_ticket(desk, "Gewoon dicht", desk["a_coord"]), "closed", actor=desk["staff"])
    assert Api(desk["a_coord"].user).post(f"/api/tickets/{closed.pk}/messages", {"body": "Nog iets"}).status_code == 201
