"""A new request on an agreement with a customer success manager is watched by the manager."""

from __future__ import annotations

from meldpunt.notifications.models import Watch
from meldpunt.success.models import SuccessManager
from meldpunt.success.services import offers_manager
from meldpunt.tickets import signals


def on_ticket_created(sender, *, ticket, **kwargs) -> None:
    # Only an agreement that offers a manager can have one: read from the catalog, so the
    # requests of a batch on other agreements cost no query each.
    if not ticket.agreement_id or not offers_manager(ticket.agreement):
        return
    manager = SuccessManager.objects.filter(agreement_id=ticket.agreement_id).only("user_id").first()
    if manager is not None:
        Watch.objects.get_or_create(user_id=manager.user_id, ticket=ticket)


def connect() -> None:
    signals.ticket_created.connect(on_ticket_created, dispatch_uid="success-manager-watches")
