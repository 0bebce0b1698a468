"""Issue 19 item 6: merging a duplicate into another request of the same organisation."""

from __future__ import annotations

import pytest

from meldpunt.intake.models import Attachment
from meldpunt.intake.services import ingest
from meldpunt.organise.merging import merge
from meldpunt.organise.services import OrganiseError, add_tag, linked_tickets, tags_of
from meldpunt.tickets.models import Clock, Message, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import ConflictError, add_message
from tests.support import factories as f
from tests.support.samples import mail

pytestmark = pytest.mark.django_db


def _ticket(desk, subject, org="a", **extra):
    return create_ticket(NewRequest(organisation=desk[f"org_{org}"], agreement=desk[f"agr_{org}"], subject=subject,
                                    impact="one", urgency="low", **extra))[0]


def _mailed(desk, message_id, subject="Orders komen niet binnen", attachment=False):
    raw = mail(sender=f"Alpha <{desk['a_coord'].email}>", subject=subject, message_id=message_id)
    if attachment:
        boundary = "XYZ"
        head, body = raw.split(b"\r\n\r\n", 1) if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)
        head = head.replace(b"Content-Type: text/plain; charset=utf-8", f'Content-Type: multipart/mixed; boundary="{boundary}"'.encode())
        raw = head + b"\n\n" + (f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n".encode() + body
                                + f"\n--{boundary}\nContent-Type: text/plain\nContent-Disposition: attachment; filename=log.txt\n\n"
                                  f"regel 1\n--{boundary}--\n".encode())
    result = ingest(raw, received_at=f.ams(2026, 11, 30, 10, 0))
    assert result.outcome == "created", result
    return Ticket.objects.get(pk=result.ticket)


def test_merging_moves_the_thread_closes_the_duplicate_and_links_both_ways(desk):
    agent = desk["staff"]
    keep = _ticket(desk, "Orders komen niet binnen")
    dup = _mailed(desk, "<dup@alpha.test>", "Orders komen nog steeds niet", attachment=True)
    add_message(dup, "Het gaat om order 4711.", from_customer=True, public=True, channel="email")
    add_tag(dup, "koppeling")
    moved = set(dup.messages.values_list("pk", flat=True))
    assert Attachment.objects.filter(message__ticket=dup).exists()
    merge(dup, keep, actor=agent)
    dup, keep = Ticket.objects.get(pk=dup.pk), Ticket.objects.get(pk=keep.pk)
    assert dup.status == "closed" and not dup.messages.exists()
    assert moved <= set(keep.messages.values_list("pk", flat=True))
    assert Attachment.objects.filter(message__ticket=keep).exists()
    note = keep.messages.filter(public=False).get()
    assert f"#{dup.pk}" in note.body and "Orders komen nog steeds niet" in note.body
    assert [(r["ticket"].pk, r["how"]) for r in linked_tickets(dup)] == [(keep.pk, "merged_into")]
    assert [(r["ticket"].pk, r["how"]) for r in linked_tickets(keep)] == [(dup.pk, "merged_from")]
    assert dup.events.get(kind="merged_into").data["ticket"] == keep.pk
    assert keep.events.get(kind="merged_from").data == {"ticket": dup.pk, "messages": len(moved)}
    assert dup.events.filter(kind="status", data__new="closed").exists()  # through change_status
    assert Clock.objects.get(ticket=dup, metric="resolution").stopped_at is not None
    assert tags_of(keep) == ["koppeling"]


def test_a_mail_answer_to_the_duplicate_threads_into_the_request_it_went_into(desk):
    keep = _ticket(desk, "Orders komen niet binnen")
    dup = _mailed(desk, "<dup2@alpha.test>")
    merge(dup, keep, actor=desk["staff"])
    answer = mail(sender=f"Alpha <{desk['a_coord'].email}>", subject="Re: Orders", message_id="<re@alpha.test>",
                  headers={"In-Reply-To": "<dup2@alpha.test>", "References": "<dup2@alpha.test>"})
    result = ingest(answer, received_at=f.ams(2026, 11, 30, 11, 0))
    assert result.outcome == "appended" and result.ticket == keep.pk


def test_only_requests_of_the_same_organisation_merge(desk):
    keep, other = _ticket(desk, "Alpha"), _ticket(desk, "Beta", org="b")
    with pytest.raises(OrganiseError, match="same organisation"):
        merge(other, keep)
    with pytest.raises(OrganiseError, match="itself"):
        merge(keep, keep)
    assert Ticket.objects.get(pk=other.pk).status != "closed" and not Message.objects.filter(ticket=keep).exists()


def test_no_merge_into_a_closed_request_nor_of_one_merged_already(desk):
    keep, dup, third = _ticket(desk, "Een"), _ticket(desk, "Twee"), _ticket(desk, "Drie")
    merge(dup, keep)
    with pytest.raises(OrganiseError, match="merged already"):
        merge(dup, third)
    with pytest.raises(OrganiseError, match="closed"):
        merge(third, dup)


def test_a_stale_page_merges_nothing(desk):
    keep, dup = _ticket(desk, "Een"), _ticket(desk, "Twee")
    with pytest.raises(ConflictError):
        merge(dup, keep, expected_version=dup.version + 5)
    assert Ticket.objects.get(pk=dup.pk).status == "new"


def test_the_console_merges_and_shows_the_links(client, desk):
    client.force_login(desk["staff"])
    keep, dup = _ticket(desk, "Hoofdmelding"), _ticket(desk, "Dubbele melding")
    response = client.post(f"/console/tickets/{dup.pk}/merge/", {"number": keep.pk, "version": dup.version})
    assert response.status_code == 302 and response["Location"].startswith(f"/console/tickets/{keep.pk}/")
    page = client.get(f"/console/tickets/{keep.pk}/").content.decode()
    assert f"#{dup.pk} Dubbele melding" in page and "Merged from" in page
    page = client.get(f"/console/tickets/{dup.pk}/").content.decode()
    assert "Merged into" in page and 'id="merge"' not in page  # merged: no second merge offered
    other = _ticket(desk, "Beta", org="b")
    response = client.post(f"/console/tickets/{other.pk}/merge/", {"number": keep.pk}, follow=True)
    assert "same organisation" in response.content.decode()
