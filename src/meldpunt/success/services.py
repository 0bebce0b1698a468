"""Name or remove an agreement's customer success manager; the manager watches its requests.

Seed 003 (Xtreme Elite): "U krijgt een Customer Success Manager (CSM) toegewezen ... om erop
toe te zien dat problemen adequaat worden opgelost." The manager watches every open request
on the agreement (and each new one, :mod:`meldpunt.success.receivers`), so they hear of the
customer's replies through the agents' notifications (:mod:`meldpunt.notifications`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Agreement
from meldpunt.notifications.models import Watch
from meldpunt.success.models import SuccessManager
from meldpunt.tickets.models import OPEN_STATUSES, Ticket

#: The entitlement (shared vocabulary, granted by a catalog's packages) that offers a manager.
ENTITLEMENT = "dedicated_csm"


class ManagerError(ValueError):
    """A manager that cannot be named, with the reason for staff."""


def offers_manager(agreement: Agreement) -> bool:
    catalog = agreement.catalog.parsed()
    try:
        granted = catalog.entitlements(agreement.package, agreement.addon_ids())
    except KeyError:
        return False
    return ENTITLEMENT in granted


def refusal(agreement: Agreement, user) -> str | None:
    """Why ``user`` cannot be the manager of ``agreement``; None: they can."""
    if not offers_manager(agreement):
        package = agreement.catalog.parsed().packages.get(agreement.package)
        name = (package.name.get("en") if package else agreement.package) or agreement.package
        return _("Agreement %(code)s (%(package)s) does not include a dedicated customer success manager.") % {
            "code": agreement.code, "package": name}
    if not (user.is_staff and user.is_active):
        return _("A customer success manager must be an active member of staff.")
    return None


@transaction.atomic
def name_manager(agreement: Agreement, user) -> SuccessManager:
    """Name ``user`` (staff) the agreement's manager; they start watching its open requests."""
    reason = refusal(agreement, user)
    if reason:
        raise ManagerError(reason)
    found, _created = SuccessManager.objects.update_or_create(agreement=agreement, defaults={"user": user})
    watch_requests(found)
    return found


@transaction.atomic
def remove_manager(agreement: Agreement) -> bool:
    """The agreement has no manager any more (the watches they had stay theirs to end)."""
    deleted, _rows = SuccessManager.objects.filter(agreement=agreement).delete()
    return bool(deleted)


def watch_requests(manager: SuccessManager) -> int:
    """The manager watches every open request on the agreement; the number newly watched."""
    open_ids = Ticket.objects.filter(agreement_id=manager.agreement_id, status__in=OPEN_STATUSES).values_list("pk", flat=True)
    known = set(Watch.objects.filter(user=manager.user, ticket_id__in=open_ids).values_list("ticket_id", flat=True))
    new = [Watch(user=manager.user, ticket_id=pk) for pk in open_ids if pk not in known]
    Watch.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
