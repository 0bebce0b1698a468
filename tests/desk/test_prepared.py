"""Prepared queries give what their queryset gives, with new values on every call."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meldpunt.api.auth import TOKEN
from meldpunt.api.models import ApiToken, hash_token
from meldpunt.contracts.models import Agreement, ClosedDay
from meldpunt.contracts.selectors import agreement_to_register
from meldpunt.prepared import PreparedQuery
from tests.desk import factories as f

pytestmark = pytest.mark.django_db

BY_CODE = PreparedQuery(
    lambda code, organisation: Agreement.objects.select_related("catalog", "organisation")
    .filter(code=code, organisation_id=organisation).order_by("pk"),
    code=str, organisation=int,
)


def test_rows_and_related_objects_are_those_of_the_queryset_for_each_call():
    f.catalogs()
    mine, theirs = f.organisation("Mine"), f.organisation("Theirs")
    a = f.agreement(mine, "erpm", "small")
    b = f.agreement(theirs, "infor", "xtreme")
    for agreement in (a, b):  # the same compiled SQL, new values each time
        with CaptureQueriesContext(connection) as ctx:
            found = BY_CODE.first(code=agreement.code, organisation=agreement.organisation_id)
            assert (found.pk, found.catalog.vendor, found.organisation.name) == (
                agreement.pk, agreement.catalog.vendor, agreement.organisation.name)
        assert len(ctx.captured_queries) == 1
    assert BY_CODE.first(code=a.code, organisation=theirs.pk) is None
    assert BY_CODE.all(code="no such code", organisation=mine.pk) == []
    assert BY_CODE.all(code=a.code, organisation=mine.pk) == list(
        Agreement.objects.filter(code=a.code, organisation=mine))


def test_values_lists_keep_their_order_and_converted_types():
    ClosedDay.objects.create(vendor="erpm", calendar="office", date=date(2026, 12, 31), reason="Oudjaar")
    ClosedDay.objects.create(vendor="erpm", calendar="office", date=date(2026, 12, 24), reason="Kerstavond")
    ClosedDay.objects.create(vendor="infor", calendar="office", date=date(2026, 12, 27), reason="other vendor")
    days = PreparedQuery(
        lambda vendor: ClosedDay.objects.filter(vendor=vendor).order_by("date").values_list("date", "reason"),
        vendor=str,
    )
    assert days.all(vendor="erpm") == [(date(2026, 12, 24), "Kerstavond"), (date(2026, 12, 31), "Oudjaar")]
    assert days.all(vendor="infor") == [(date(2026, 12, 27), "other vendor")]


def test_the_token_lookup_brings_user_contact_and_organisation_in_one_statement():
    f.catalogs()
    org = f.organisation("Bakkerij")
    contact = f.contact(org)
    raw = f.token(contact.user)
    with CaptureQueriesContext(connection) as ctx:
        found = TOKEN.first(digest=hash_token(raw))
        assert found.user.contact.organisation.name == "Bakkerij"
    assert len(ctx.captured_queries) == 1
    ApiToken.objects.filter(pk=found.pk).update(revoked_at=found.created_at)
    assert TOKEN.first(digest=hash_token(raw)) is None


def test_registering_finds_only_the_callers_own_agreements_with_their_addons():
    f.catalogs()
    mine, theirs = f.organisation("Mine"), f.organisation("Theirs")
    own = f.agreement(mine, "erpm", "medium", addons=["premium"])
    other = f.agreement(theirs, "erpm", "medium", addons=["premium"])
    user = f.contact(mine).user
    found = agreement_to_register(user, own.code)
    with CaptureQueriesContext(connection) as ctx:
        assert [a.addon for a in found.addons.all()] == ["premium"]
        assert found.organisation.name == "Mine"
    assert ctx.captured_queries == []
    # A query chained on the add-ons keeps to this agreement's.
    assert list(found.addons.all().filter(addon="premium").values_list("agreement_id", flat=True)) == [own.pk]
    assert agreement_to_register(user, other.code) is None
    assert agreement_to_register(f.staff_user(), other.code).organisation.name == "Theirs"


def test_a_placeholder_the_lookup_rewrites_is_refused():
    contains = PreparedQuery(lambda code: Agreement.objects.filter(code__contains=code), code=str)
    with pytest.raises(ImproperlyConfigured, match="does not reach the SQL unchanged"):
        contains.all(code="ERPM")
    with pytest.raises(TypeError):
        BY_CODE.all(code="x")
    with pytest.raises(ImproperlyConfigured):
        PreparedQuery(lambda when: Agreement.objects.filter(starts_on=when), when=date)


def test_a_prepared_insert_writes_what_save_writes_and_hands_back_the_keys():
    from django.contrib.auth import get_user_model

    from meldpunt.prepared import PreparedInsert
    from meldpunt.tickets.models import Clock, Ticket, TicketEvent

    org = f.organisation("Mine")
    by_orm = Ticket.objects.create(organisation=org, subject="same", received_at=f.ams(2026, 12, 1, 9, 0))
    prepared = Ticket(organisation=org, subject="same", received_at=f.ams(2026, 12, 1, 9, 0))
    PreparedInsert(Ticket).insert(prepared)
    assert prepared.pk == Ticket.objects.get(pk=prepared.pk).pk and not prepared._state.adding
    assert prepared.created_at is not None and prepared.updated_at is not None  # auto_now(_add) as save() does
    skip = {"id", "created_at", "updated_at"}
    row = {k: v for k, v in Ticket.objects.filter(pk=prepared.pk).values()[0].items() if k not in skip}
    assert row == {k: v for k, v in Ticket.objects.filter(pk=by_orm.pk).values()[0].items() if k not in skip}

    clocks = [Clock(ticket=prepared, metric=metric, calendar="office", target="1h", started_at=prepared.received_at,
                    due_at=prepared.received_at, explanation=[metric, "ü"]) for metric in ("response", "resolution")]
    PreparedInsert(Clock).insert(*clocks)  # one statement for both, keys in order
    assert [(c.pk, c.metric) for c in clocks] == list(
        Clock.objects.filter(ticket=prepared).order_by("pk").values_list("pk", "metric"))
    assert Clock.objects.get(pk=clocks[1].pk).explanation == ["resolution", "ü"]

    event = TicketEvent(ticket=prepared, kind="created", actor=get_user_model().objects.create_user("a"),
                        data={"reason": "A × B"})
    PreparedInsert(TicketEvent).insert(event)
    assert TicketEvent.objects.get(pk=event.pk).data == {"reason": "A × B"}
    with pytest.raises(ValueError, match="new Clock rows only"):
        PreparedInsert(Clock).insert(clocks[0])


def test_nothing_listens_to_the_save_signals_of_the_rows_registration_writes_prepared():
    """Registration writes ticket, clocks and event with PreparedInsert, which (like
    bulk_create) sends no save signals: a listener added later would silently miss them."""
    from django.db.models.signals import post_save, pre_save

    from meldpunt.tickets.models import Clock, Ticket, TicketEvent

    for model in (Ticket, Clock, TicketEvent):
        assert not pre_save.has_listeners(model) and not post_save.has_listeners(model), model
