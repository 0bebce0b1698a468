"""Keep search documents current when a name they contain changes elsewhere.

A ticket's document holds its organisation's name and its contact's name and address
(:mod:`meldpunt.tickets.search_index`). Those live in the contracts app, which knows nothing
of tickets, so the tickets app listens: when a saved organisation or contact has another
name (or address) than before, the documents of its tickets are rewritten by a task after
the commit (an organisation may have many thousands of tickets; the save does not wait).
This is an optional hook in the sense of :mod:`meldpunt.tickets.signals`: a missed refresh
is repaired by ``manage.py search_reindex``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save, pre_save

from meldpunt.contracts.models import Contact, Organisation
from meldpunt.tickets.tasks import refresh_search_documents

#: model → (the fields a ticket's document holds, the ticket field that points at it)
WATCHED = {Organisation: (("name",), "organisation"), Contact: (("name", "email"), "contact")}


def _remember(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    fields, _ticket_field = WATCHED[sender]
    instance.searched_values_before = sender.objects.filter(pk=instance.pk).values_list(*fields).first()


def _refresh_if_renamed(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw or created:
        return
    fields, ticket_field = WATCHED[sender]
    before = getattr(instance, "searched_values_before", None)
    if before is None or before == tuple(getattr(instance, f) for f in fields):
        return
    pk = instance.pk
    transaction.on_commit(lambda: refresh_search_documents.enqueue(ticket_field, pk))


def connect() -> None:
    for model in WATCHED:
        pre_save.connect(_remember, sender=model, dispatch_uid=f"search-remember-{model.__name__}")
        post_save.connect(_refresh_if_renamed, sender=model, dispatch_uid=f"search-refresh-{model.__name__}")
