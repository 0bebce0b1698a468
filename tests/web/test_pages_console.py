"""The agent console: queues with keyset paging, the ticket page and its actions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from meldpunt.tickets.models import Clock, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status, set_priority
from meldpunt.web.queries import QueueQuery, queue_page
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _ticket(desk, subject="Invoice run fails", hours_ago=1, org="a", **extra):
    extra.setdefault("impact", "organisation")
    extra.setdefault("urgency", "high")
    ticket, _ = create_ticket(NewRequest(
        organisation=desk[f"org_{org}"], agreement=desk[f"agr_{org}"], contact=desk[f"{org}_coord"],
        subject=subject, received_at=timezone.now() - timedelta(hours=hours_ago), **extra,
    ))
    return ticket


@pytest.fixture
def agent(client, desk):
    client.force_login(desk["staff"])
    return client


def test_customers_and_strangers_never_reach_the_console(client, desk):
    ticket = _ticket(desk)
    assert client.get("/console/").status_code == 302
    client.force_login(desk["a_coord"].user)
    assert client.get("/console/").status_code == 404
    assert client.get(f"/console/tickets/{ticket.pk}/").status_code == 404


def test_queue_lists_the_earliest_deadline_first_and_paused_tickets_after(agent, desk):
    later = _ticket(desk, "Later one", urgency="low", impact="one")  # D: 5 workdays
    sooner = _ticket(desk, "Sooner one")  # A: 2 hours
    paused = _ticket(desk, "Waiting one")
    change_status(paused, "waiting_customer")
    html = agent.get("/console/").content.decode()
    assert html.index("Sooner one") < html.index("Later one")
    assert "Waiting one" in html
    waiting = agent.get("/console/?queue=waiting").content.decode()
    assert "Waiting one" in waiting and "Sooner one" not in waiting
    assert later.pk and sooner.pk


def test_queues_triage_mine_and_breached(agent, desk):
    fresh = _ticket(desk, "Fresh report")
    old = _ticket(desk, "Old report", hours_ago=24 * 14)
    change_status(old, "in_progress")
    Ticket.objects.filter(pk=old.pk).update(assignee=desk["staff"])
    triage = agent.get("/console/?queue=triage").content.decode()
    assert "Fresh report" in triage and "Old report" not in triage
    mine = agent.get("/console/?queue=mine").content.decode()
    assert "Old report" in mine and "Fresh report" not in mine
    breached = agent.get("/console/?queue=breached").content.decode()
    assert "Old report" in breached and "Fresh report" not in breached
    assert fresh.pk


def test_keyset_pages_visit_every_ticket_once_in_deadline_order_without_counting(desk):
    made = [_ticket(desk, f"T{i}", hours_ago=i) for i in range(5)]
    waiting = _ticket(desk, "paused")
    # answered (the response clock stops), then waiting on the customer (the resolution clock
    # pauses): no running clock, so it comes after every ticket with a deadline at any hour
    add_message(waiting, "Could you send the log file?", author=desk["staff"], public=True)
    change_status(waiting, "waiting_customer")
    seen, cursor = [], ""
    with CaptureQueriesContext(connection) as queries:
        for _ in range(10):
            page = queue_page(desk["staff"], QueueQuery(cursor=cursor), limit=2)
            seen += [r.ticket.pk for r in page.rows]
            cursor = page.next_cursor
            if not cursor:
                break
    assert sorted(seen) == sorted([t.pk for t in made] + [waiting.pk]) and len(seen) == len(set(seen))
    dues = [Clock.objects.filter(ticket_id=pk, state="running").order_by("due_at").first().due_at for pk in seen[:5]]
    assert dues == sorted(dues) and seen[-1] == waiting.pk
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_newest_and_oldest_sorts_page_on_the_id(desk):
    made = [_ticket(desk, f"T{i}") for i in range(3)]
    first = queue_page(desk["staff"], QueueQuery(sort="oldest"), limit=2)
    second = queue_page(desk["staff"], QueueQuery(sort="oldest", cursor=first.next_cursor), limit=2)
    assert [r.ticket.pk for r in first.rows + second.rows] == [t.pk for t in made]


def test_filters_by_organisation_kind_priority_and_bad_values_do_not_error(agent, desk):
    _ticket(desk, "Alpha incident")
    _ticket(desk, "Beta incident", org="b")
    html = agent.get(f"/console/?organisation={desk['org_b'].pk}").content.decode()
    assert "Beta incident" in html and "Alpha incident" not in html
    assert "Alpha incident" in agent.get("/console/?priority=A&kind=incident").content.decode()
    assert "Alpha incident" not in agent.get("/console/?kind=question").content.decode()
    for query in ("organisation=abc", "queue=nope", "sort=x", "status=bogus", "priority=" + "x" * 500):
        assert agent.get(f"/console/?{query}").status_code == 200, query  # the bad filter is dropped
    for query in ("cursor=zzz", "cursor=d.abc.1", "cursor=d.99999999999999999999999.1", "cursor=s0.1." + "9" * 30):
        page = agent.get(f"/console/?{query}")  # a cursor the desk did not make: the first page, and why
        assert page.status_code == 400 and "This page link is not valid" in page.content.decode(), query


def test_live_refresh_returns_only_the_rows(agent, desk):
    _ticket(desk, "Live one")
    response = agent.get("/console/?queue=all", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith("<tbody") and "Live one" in html and "<header" not in html
    page = agent.get("/console/").content.decode()
    assert 'hx-trigger="every 15s"' in page and static("vendor/htmx/htmx.min.js") in page


def test_ticket_page_shows_deadline_panel_agreement_and_shortcuts(agent, desk):
    ticket = _ticket(desk)
    html = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "Business time left" in html and "Calendar: Workdays" in html
    assert desk["agr_a"].code in html and "PrioritySupport Small" in html and "Phone support" in html
    assert "Keyboard shortcuts" in html and static("web/console.js") in html


def test_public_reply_stops_the_response_clock_and_a_note_stays_internal(agent, desk, client):
    ticket = _ticket(desk)
    v = ticket.version
    agent.post(f"/console/tickets/{ticket.pk}/reply/", {"body": "We are on it", "visibility": "public", "version": v})
    agent.post(f"/console/tickets/{ticket.pk}/reply/", {"body": "Looks like the Shopify token", "visibility": "note", "version": v})
    assert Clock.objects.get(ticket=ticket, metric="response").stopped_at is not None
    agent.logout()
    client.force_login(desk["a_coord"].user)
    html = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "We are on it" in html and "Shopify token" not in html


def test_asking_for_information_pauses_the_resolution_clock(agent, desk):
    ticket = _ticket(desk)
    response = agent.post(f"/console/tickets/{ticket.pk}/reply/", {
        "body": "Which version?", "visibility": "public", "then_status": "waiting_customer", "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"
    assert Clock.objects.get(ticket=ticket, metric="resolution").state == "paused"


def test_a_stale_status_change_is_refused_with_a_clear_message(agent, desk):
    ticket = _ticket(desk)
    stale = ticket.version
    change_status(ticket, "approved")  # a colleague was quicker
    response = agent.post(f"/console/tickets/{ticket.pk}/status/", {"status": "resolved", "version": stale})
    assert response.status_code == 409
    assert "Someone else changed this request" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "approved"


def test_a_stale_reply_with_status_keeps_nothing_and_shows_the_text_again(agent, desk):
    ticket = _ticket(desk)
    stale = ticket.version
    change_status(ticket, "approved")
    response = agent.post(f"/console/tickets/{ticket.pk}/reply/", {
        "body": "My careful answer", "visibility": "public", "then_status": "resolved", "version": stale})
    assert response.status_code == 409 and "My careful answer" in response.content.decode()
    assert not ticket.messages.exists()


def test_priority_change_needs_a_reason_and_moves_the_clocks(agent, desk):
    ticket = _ticket(desk, impact="one", urgency="low")
    before = Clock.objects.get(ticket=ticket, metric="response").due_at
    bad = agent.post(f"/console/tickets/{ticket.pk}/priority/", {"priority": "A", "version": ticket.version})
    assert bad.status_code == 400
    ok = agent.post(f"/console/tickets/{ticket.pk}/priority/", {
        "priority": "A", "reason": "Production is down", "version": ticket.version})
    assert ok.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == "A" and ticket.priority_reason == "Production is down"
    assert Clock.objects.get(ticket=ticket, metric="response").due_at < before
    html = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "Production is down" in html


def test_assign_hand_over_and_stale_assignment(agent, desk):
    ticket = _ticket(desk)
    colleague = f.staff_user()
    assert agent.post(f"/console/tickets/{ticket.pk}/assign/", {"assignee": desk["staff"].pk, "version": ticket.version}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == desk["staff"]
    stale = agent.post(f"/console/tickets/{ticket.pk}/assign/", {"assignee": colleague.pk, "version": ticket.version - 1})
    assert stale.status_code == 409
    agent.post(f"/console/tickets/{ticket.pk}/assign/", {"assignee": colleague.pk, "version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    assert f"Assigned to {colleague.username}" in agent.get(f"/console/tickets/{ticket.pk}/").content.decode()


def test_bad_posts_do_not_error(agent, desk):
    ticket = _ticket(desk)
    for action, data in [("reply", {}), ("reply", {"body": "x", "visibility": "shout", "version": "x"}),
                         ("status", {"status": "gone", "version": 1}), ("priority", {"priority": "Z", "reason": "r", "version": 1}),
                         ("assign", {"assignee": desk["a_coord"].user.pk, "version": 1})]:
        assert agent.post(f"/console/tickets/{ticket.pk}/{action}/", data).status_code == 400, (action, data)
    assert agent.get(f"/console/tickets/{ticket.pk}/status/").status_code == 405


def test_queue_names_priorities_and_the_ticket_page_its_unknown_organisation_in_the_readers_language(agent, desk):
    """Issue 21: the Dutch console showed raw levels ("critical", "high"), "· None" for an
    unknown sender's organisation and "Geregistreerd via email"."""
    _ticket(desk, "Shop orders missing")
    stranger, _ = create_ticket(NewRequest(organisation=None, subject="Vraag over koppelingen", channel="email",
                                           reporter_email="karel@example.org"))
    agent.cookies.load({"django_language": "nl"})
    queue = agent.get("/console/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Alle prioriteiten" in queue
    assert '<option value="A">Prioriteit A</option>' in queue
    assert ">Prioriteit A</td>" in queue
    page = agent.get(f"/console/tickets/{stranger.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "· None" not in page and "Nog geen organisatie" in page
    assert "Geregistreerd via E-mail" in page
    assert "Geen overeenkomst bij dit verzoek, dus er gelden geen serviceniveaus" in page
    assert "No agreement on this request" not in page


def test_the_ticket_header_names_the_priority_once(agent, desk):
    """Issue 21: "Priority Priority A" in the header; the portal printed the raw level."""
    ticket = _ticket(desk, "Shop orders missing")  # organisation × high: A
    page = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "<strong>Priority A</strong>" in page and "Priority Priority" not in page
    agent.force_login(desk["a_coord"].user)
    portal = agent.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "Priority A" in portal and "Priority Priority" not in portal


def test_a_request_without_a_priority_shows_a_dash_in_both_headers(agent, desk):
    """Both headers word the priority with ``tickets.wording.priority_line`` (issue 17: the
    console's and portal's caption helper is gone); without a priority they show a dash."""
    ticket, _ = create_ticket(NewRequest(organisation=desk["org_a"], contact=desk["a_coord"], subject="No agreement yet"))
    assert ticket.priority == ""
    page = agent.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert "<strong>Priority –</strong>" in page and "to be assessed</strong>" not in page
    agent.force_login(desk["a_coord"].user)
    portal = agent.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "· Priority –" in portal


def test_the_priority_reason_and_impact_read_as_words_and_an_agents_reply_names_no_channel(agent, desk):
    """Issue 21: raw values such as "organisation × high" in the Dutch console; an agent's
    reply labelled "Portal"."""
    from meldpunt.tickets.services import add_message

    ticket = _ticket(desk, "Shop orders missing")
    add_message(ticket, "We are on it.", author=desk["staff"], channel="portal")
    page = agent.get(f"/console/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "(impact de hele organisatie × urgentie hoog → " in page
    assert "<dd>de hele organisatie × hoog</dd>" in page
    assert "organisation × high" not in page
    line = page[page.index("We are on it.") - 400:page.index("We are on it.")]
    assert "· Portal" not in line


def test_dutch_queue_names_every_filter_in_dutch_and_the_key_hint_counts_the_queues(agent, desk):
    """Issue 21: "All teams" read English on the Dutch console; the hint said 1–6 beside seven
    queue tabs. The hint and the shortcuts dialog take the number from the tabs themselves."""
    from meldpunt.teams.models import Team

    Team.objects.create(name="Tweede lijn")
    with translation.override("en"):  # the Dutch request leaves Dutch active; put English back after
        html = agent.get("/console/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Alle teams" in html and "All teams" not in html
    tabs = html.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0].count("data-queue=")
    assert tabs >= 7
    assert f"1–{tabs} andere wachtrij" in html and f"<dt>1–{tabs}</dt>" in html
    ticket = _ticket(desk)
    page = agent.get(f"/console/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<dt>1–{tabs}</dt>" in page


def test_dutch_console_reads_the_core_s_priority_reason_and_clock_texts_in_dutch(agent, desk):
    """Issue 21: "(to be assessed)", "No agreement on this request, so no service levels
    apply" and the core's priority reasons read English on the Dutch console. The ticket
    stores the English (API, events); people read the core's code through gettext."""
    ticket = _ticket(desk)  # impact organisation × urgency high: a matrix reason
    assert ticket.priority_reason.startswith("impact organisation × urgency high → ")
    with translation.override("en"):
        dutch = agent.get(f"/console/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "(impact de hele organisatie × urgentie hoog → " in dutch and "× urgency" not in dutch
    assert "<dd>de hele organisatie × hoog</dd>" in dutch  # not the raw "organisation × high"
    english = agent.get(f"/console/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(impact the whole organisation × urgency high → " in english
    stranger, _ = create_ticket(NewRequest(organisation=None, agreement=None, contact=None, subject="Hallo",
                                           reporter_email="karel@example.org"))
    with translation.override("en"):
        dutch = agent.get(f"/console/tickets/{stranger.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Geen overeenkomst bij dit verzoek, dus er gelden geen serviceniveaus" in dutch
    assert "no service levels apply" not in dutch


def test_a_priority_change_in_the_history_reads_its_core_reason_in_dutch(agent, desk):
    ticket = _ticket(desk)
    set_priority(ticket, actor=desk["staff"], impact="one", urgency="low")  # the reason: the matrix's words
    dutch = agent.get(f"/console/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "(impact één gebruiker × urgentie laag → " in dutch and "× urgency low" not in dutch


def test_a_core_priority_reason_is_read_back_by_code_and_a_written_one_stays():
    from meldpunt.core.priority import read_reason, reason_text
    from meldpunt.tickets.wording import priority_reason_words

    text = reason_text("fixed", kind="question", level="D")
    assert read_reason(text) == ("fixed", {"kind": "question", "level": "D"})
    with translation.override("nl"):
        assert priority_reason_words(text) == "vraag heeft altijd prioriteit D (catalogus)"
        assert priority_reason_words(reason_text("unassessed")) == "nog te beoordelen"
        assert priority_reason_words("customer called the director") == "customer called the director"
