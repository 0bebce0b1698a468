"""Ticket search: the same tests on SQLite (FTS5) and PostgreSQL (tsvector + GIN); the suite
runs once on each database (make test), so both engines answer these."""

from __future__ import annotations

import pytest

from meldpunt.tickets import search as search_module
from meldpunt.tickets.models import SearchDocument, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.search import highlight, parse, search, search_ids, snippets
from meldpunt.tickets.search_index import rebuild
from meldpunt.tickets.selectors import visible_tickets
from meldpunt.tickets.services import (
    add_message,
    assign_ticket,
    change_status,
    register_tickets,
)
from tests.support import factories as f

pytestmark = pytest.mark.django_db


def _ticket(desk, subject, org="a", contact=None, **kw):
    organisation, agreement = desk[f"org_{org}"], desk[f"agr_{org}"]
    defaults = dict(kind="incident", impact="one", urgency="low", received_at=f.ams(2026, 12, 1, 9, 0))
    defaults.update(kw)
    return create_ticket(NewRequest(organisation=organisation, agreement=agreement, contact=contact,
                                    subject=subject, **defaults))[0]


def found(text, *, user=None, internal=True, tickets=None):
    base = tickets if tickets is not None else Ticket.objects.all()
    if user is not None:
        base = visible_tickets(user)
    return search_ids(base, text, internal=internal)


@pytest.fixture
def world(desk):
    return {
        "invoice": _ticket(desk, "Invoice run fails at night", description="The nightly job stops with a timeout.",
                           error_code="itgen-1234", product="Invantive Cloud", product_version="24.1.5"),
        "stock": _ticket(desk, "Voorraad klopt niet", description="De voorraadniveaus in het magazijn zijn onjuist.",
                         org="b"),
        "cafe": _ticket(desk, "Café order export", description="Orders of the café are exported twice.",
                        contact=desk["a_plain"]),
    }


def test_words_in_subject_description_and_error_code_are_found(world):
    assert found("invoice") == [world["invoice"].pk]
    assert found("nightly timeout") == [world["invoice"].pk]
    assert found("timeout export") == []  # every word must occur
    assert found("itgen-1234") == [world["invoice"].pk]
    assert found("ITGEN-1234") == [world["invoice"].pk]
    assert found("24.1.5") == [world["invoice"].pk]


def test_stems_in_both_languages_and_accents_and_case_are_ignored(world):
    assert found("invoices") == [world["invoice"].pk]  # English stem
    assert found("exporting") == [world["cafe"].pk]
    assert found("cafe") == [world["cafe"].pk]  # accent folded
    assert found("CAFÉ") == [world["cafe"].pk]
    assert found("magazijn voorraad") == [world["stock"].pk]


def test_organisation_product_and_reporter_are_searched(world, desk):
    assert set(found("Beta")) == {world["stock"].pk}
    assert found("Invantive") == [world["invoice"].pk]
    assert found(desk["a_plain"].email) == [world["cafe"].pk]


def test_a_ticket_number_finds_that_ticket_first(world, desk):
    number = world["stock"].pk
    mention = _ticket(desk, f"Follow-up of {number}")
    assert found(f"#{number}")[0] == number
    assert found(str(number))[:2] == [number, mention.pk]


def test_the_index_follows_messages_and_changes(world, desk):
    ticket = world["invoice"]
    assert found("kerstmis") == []
    add_message(ticket, "Na kerstmis opnieuw geprobeerd", author=desk["staff"], public=True)
    assert found("kerstmis") == [ticket.pk]
    change_status(ticket, "in_progress", actor=desk["staff"])
    assign_ticket(ticket, desk["staff"], actor=desk["staff"])
    assert found("kerstmis") == [ticket.pk]
    assert SearchDocument.objects.count() == 3


def test_batches_of_mail_are_indexed(desk):
    tickets = register_tickets([NewRequest(organisation=desk["org_a"], agreement=desk["agr_a"], kind="question",
                                           subject=f"Batch request {word}") for word in ("alfa", "bravo")])
    assert found("bravo") == [tickets[1].pk]


def test_internal_notes_are_searched_for_staff_only(world, desk):
    ticket = world["invoice"]
    add_message(ticket, "Geheime workaround via registersleutel", author=desk["staff"], public=False)
    assert found("registersleutel", internal=True) == [ticket.pk]
    assert found("registersleutel", internal=False) == []
    assert found("registersleutel", user=desk["a_coord"].user, internal=False) == []


def test_customers_never_find_another_organisations_tickets(world, desk):
    assert found("voorraad", user=desk["a_coord"].user, internal=False) == []
    assert found("voorraad", user=desk["b_coord"].user, internal=False) == [world["stock"].pk]
    assert found(f"#{world['stock'].pk}", user=desk["a_coord"].user, internal=False) == []
    # a plain contact only their own requests
    assert found("order", user=desk["a_plain"].user, internal=False) == [world["cafe"].pk]
    assert found("invoice", user=desk["a_plain"].user, internal=False) == []


def test_search_narrows_a_filtered_queryset_and_ranks_subject_above_text(world, desk):
    other = _ticket(desk, "Timeout on login", description="nothing about invoices here")
    assert found("invoice") == [world["invoice"].pk, other.pk]  # subject (B) above description (D)
    assert found("invoice", tickets=Ticket.objects.filter(pk=other.pk)) == [other.pk]
    ranks = [t.search_rank for t in search(Ticket.objects.all(), "invoice", internal=True).ranked]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[1]


HOSTILE = ['"unbalanced', "AND OR NOT", "exact* -online", "'; DROP TABLE x; --", "   ", "NEAR(a b)", "a:b",
           "{number} : x", "col:*", "^start", "(((", "\\", "'", "\x00", "!!", "é" * 500, "1 " * 300,
           "#99999999999999999999999", "itgen-1234 OR 1=1", "a & b | !c <-> d", "'a':*", "*", "-", "+x"]


@pytest.mark.parametrize("text", HOSTILE)
def test_query_syntax_never_errors(world, text):
    search_ids(Ticket.objects.all(), text, internal=True)
    search_ids(Ticket.objects.all(), text, internal=False)


def test_a_query_without_words_finds_nothing(world):
    assert found("*** () --") == []
    assert not parse("  ")


def test_operators_are_ignored_rather_than_searched(world):
    assert found("invoice AND nightly") == [world["invoice"].pk]
    assert found('"invoice" -nightly') == [world["invoice"].pk]


def test_highlight_escapes_html_and_marks_only_the_matches():
    html = highlight("<b>Invoice</b> & invoices <script>", parse("invoice"))
    assert html == "&lt;b&gt;<mark>Invoice</mark>&lt;/b&gt; &amp; <mark>invoices</mark> &lt;script&gt;"


def test_snippets_show_where_the_text_matched(world, desk):
    ticket = world["invoice"]
    add_message(ticket, "Note about <registry> keys", author=desk["staff"], public=False)
    assert snippets([ticket.pk], "timeout")[ticket.pk] == "The nightly job stops with a <mark>timeout</mark>."
    assert "&lt;registry&gt;" in snippets([ticket.pk], "keys", internal=True)[ticket.pk]
    assert ticket.pk not in snippets([ticket.pk], "keys", internal=False)


def test_rebuild_writes_every_document_again(world):
    SearchDocument.objects.all().delete()
    assert found("invoice") == []
    assert rebuild() == 3
    assert found("invoice") == [world["invoice"].pk]


def test_beyond_the_ranked_window_older_matches_follow_newest_first(world, desk, monkeypatch):
    monkeypatch.setattr(search_module, "WINDOW", 2)
    extra = [_ticket(desk, f"Export {i}", description="export export export") for i in range(3)]
    # matches of "export": cafe (subject), and the three new ones; the newest two are ranked
    results = search(Ticket.objects.all(), "export", internal=True)
    assert {t.pk for t in results.ranked} == {extra[2].pk, extra[1].pk}
    assert [t.pk for t in results.older] == [extra[0].pk, world["cafe"].pk]
    everything = search_ids(Ticket.objects.all(), "export", internal=True, limit=10)
    assert set(everything[:2]) == {extra[2].pk, extra[1].pk} and everything[2:] == [extra[0].pk, world["cafe"].pk]
    assert search_ids(Ticket.objects.all(), "export", internal=True, offset=1, limit=2) == [everything[1], extra[0].pk]
    assert search_ids(Ticket.objects.all(), f"#{world['cafe'].pk}", internal=True)[0] == world["cafe"].pk


@pytest.mark.django_db(transaction=True)
def test_a_renamed_organisation_or_contact_is_found_by_its_new_name(desk):
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    contact = desk["a_plain"]
    ticket = _ticket(desk, "Printer offline", contact=contact)
    DBTaskResult.objects.all().delete()
    organisation = desk["org_a"]
    organisation.name, contact.name = "Zonnebloem Logistiek", "Xaviera Quist"
    organisation.save()
    contact.save()
    organisation.save()  # saved again unchanged: no further task
    queued = [(row.task_path, row.args_kwargs["args"]) for row in DBTaskResult.objects.order_by("enqueued_at")]
    assert queued == [("meldpunt.tickets.tasks.refresh_search_documents", ["organisation", organisation.pk]),
                      ("meldpunt.tickets.tasks.refresh_search_documents", ["contact", contact.pk])]
    assert found("Zonnebloem") == [] and found("Quist") == []  # not yet: the task has not run
    for path, args in queued:
        import_string(path).call(*args)
    assert found("Zonnebloem") == [ticket.pk] and found("Xaviera Quist") == [ticket.pk]
