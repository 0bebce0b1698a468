"""A ticket's place in the queues within its priority: its agreement's package's ``queue_rank``.

Catalog data (``[packages.ID] queue_rank``; Infor Premium: "Meldingen worden naar urgentie
geprioriteerd op basis van het supportpakket"). The rank is stored on the ticket
(``Ticket.package_rank``) so the queues sort on an indexed column: set at registration and
on corrections (the agreement may change), and for the open tickets of an agreement whenever
the agreement is saved (its package or catalog version may have changed).
"""

from __future__ import annotations

from django.db.models.signals import post_save

from meldpunt.contracts.models import Agreement
from meldpunt.tickets.models import OPEN_STATUSES, Ticket


def package_rank(agreement: Agreement | None) -> int:
    """The ``queue_rank`` of the agreement's package (0 without an agreement or a known package)."""
    if agreement is None:
        return 0
    package = agreement.catalog.parsed().packages.get(agreement.package)
    return package.queue_rank if package is not None else 0


def refresh_agreement(agreement: Agreement) -> int:
    """Set the package rank of the agreement's open tickets that differ; how many changed."""
    rank = package_rank(agreement)
    return (Ticket.objects.filter(agreement=agreement, status__in=OPEN_STATUSES)
            .exclude(package_rank=rank).update(package_rank=rank))


def _agreement_saved(sender, instance: Agreement, created: bool, raw: bool = False, **kwargs) -> None:
    if not created and not raw:
        refresh_agreement(instance)


def connect() -> None:
    post_save.connect(_agreement_saved, sender=Agreement, dispatch_uid="tickets.ranks.agreement_saved")
