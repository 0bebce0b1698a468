"""A new request on an agreement with a customer success manager is watched by the manager."""

from __future__ import annotations

from meldpunt.notifications.models import Watch
from meldpunt.success.models import SuccessManager
from meldpunt.tickets import signals


def on_ticket_created(sender, *, ticket, **kwargs) -> None:
    if not ticket.agreement_id:
        return
    manager = SuccessManager.objects.filter(agreement_id=ticket.agreement_id).only("user_id").first()
    if manager is not None:
        Watch.objects.get_or_create(user_id=manager.user_id, ticket=ticket)


def connect() -> None:
    signals.ticket_created.connect(on_ticket_created, dispatch_uid="success-manager-watches")
