"""The queues sort on ``Ticket.next_due_at`` and ``priority_rank``: every writer keeps them in
step with the clocks and the catalog, and the priority sort ranks levels across catalogs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from meldpunt.contracts.models import ClosedDay
from meldpunt.tickets.clocks import next_due
from meldpunt.tickets.models import UNRANKED, Ticket
from meldpunt.tickets.recompute import recompute_calendar
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_kind, change_status, set_priority
from meldpunt.web.queries import CursorError, QueueQuery, queue_page
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _stored(ticket: Ticket):
    return Ticket.objects.values_list("next_due_at", "priority_rank").get(pk=ticket.pk)


def _earliest_running(ticket: Ticket):
    return next_due(list(ticket.clocks.all()))


def _new(org, agreement, subject, **extra):
    extra.setdefault("received_at", timezone.now() - timedelta(hours=1))
    return create_ticket(NewRequest(organisation=org, agreement=agreement, subject=subject, **extra))[0]


def test_next_deadline_and_rank_follow_every_change_of_the_ticket(desk):
    ticket = _new(desk["org_a"], desk["agr_a"], "Export stops", impact="organisation", urgency="high")
    due, rank = _stored(ticket)
    assert due is not None and due == _earliest_running(ticket) and rank == 0  # ERP.M A
    set_priority(ticket, priority="B")
    assert _stored(ticket) == (_earliest_running(ticket), 1) and _stored(ticket)[0] != due
    add_message(ticket, "We are looking into it.")  # the response clock stops
    resolution_due = ticket.clocks.get(metric="resolution").due_at
    assert resolution_due is not None and _stored(ticket)[0] == _earliest_running(ticket) == resolution_due
    change_status(ticket, "waiting_customer")  # the resolution clock pauses: nothing runs
    assert _stored(ticket)[0] is None
    add_message(ticket, "Here is the log.", from_customer=True, channel="email")  # resumes
    assert _stored(ticket)[0] == _earliest_running(ticket) is not None
    change_kind(ticket, "question")  # ERP.M: questions are always D
    assert _stored(ticket) == (_earliest_running(ticket), 3)
    change_status(ticket, "resolved")
    assert _stored(ticket)[0] is None


def test_without_agreement_or_priority_the_ticket_is_unranked_and_has_no_deadline(desk):
    stranger = create_ticket(NewRequest(organisation=None, subject="Who am I"))[0]
    assert _stored(stranger) == (None, UNRANKED)


def test_a_closed_day_moves_the_tickets_next_deadline_with_its_clocks():
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "small")
    ticket = _new(org, agreement, "Spans Christmas Eve", impact="one", urgency="low",
                  received_at=f.ams(2026, 12, 23, 10, 0))
    before = _stored(ticket)[0]
    ClosedDay.objects.create(vendor="erpm", calendar="workdays", date=date(2026, 12, 24), reason="Christmas Eve")
    assert recompute_calendar(vendor="erpm", calendar="workdays", days=[date(2026, 12, 24)]).moved >= 1
    after = _stored(ticket)[0]
    assert after > before and after == _earliest_running(ticket)


def test_priority_sort_puts_the_most_urgent_level_of_each_catalog_first(desk):
    low = _new(desk["org_a"], desk["agr_a"], "Low", impact="one", urgency="low")  # D, due late
    urgent = _new(desk["org_b"], desk["agr_b"], "Urgent", impact="organisation", urgency="high",
                  received_at=timezone.now() - timedelta(minutes=5))  # A
    medium = _new(desk["org_a"], desk["agr_a"], "Medium", impact="multiple", urgency="medium")
    unassessed = create_ticket(NewRequest(organisation=desk["org_a"], subject="No agreement"))[0]
    order = [r.ticket.pk for r in queue_page(desk["staff"], QueueQuery(sort="priority")).rows]
    ranks = [Ticket.objects.get(pk=pk).priority_rank for pk in order]
    assert ranks == sorted(ranks) and order[0] == urgent.pk and order[-1] == unassessed.pk
    assert order.index(medium.pk) < order.index(low.pk)
    # Paged two at a time, every ticket is seen once, in the same order.
    seen, cursor = [], ""
    for _ in range(10):
        page = queue_page(desk["staff"], QueueQuery(sort="priority", cursor=cursor), limit=2)
        seen += [r.ticket.pk for r in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == order


def test_levels_of_different_catalogs_share_ranks(desk):
    org = f.organisation("Gamma BV")
    xtreme = f.agreement(org, "infor", "xtreme-elite")
    critical = _new(org, xtreme, "Plant down", priority="critical")
    a_level = _new(desk["org_a"], desk["agr_a"], "Export stops", impact="organisation", urgency="high")
    assert _stored(critical)[1] == _stored(a_level)[1] == 0


def test_a_hand_edited_cursor_is_refused(desk):
    made = _new(desk["org_a"], desk["agr_a"], "Export stops", impact="organisation", urgency="high")
    for cursor in ("s9.1.2", "s0.notanumber.1", "x", "s1.abc", "s0.99999999999999999999999.1", "s-1.5",
                   "s0.1." + "9" * 30):
        with pytest.raises(CursorError):
            queue_page(desk["staff"], QueueQuery(cursor=cursor))
    assert [r.ticket.pk for r in queue_page(desk["staff"], QueueQuery(cursor="s0.")).rows] == [made.pk]
