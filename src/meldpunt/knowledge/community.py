"""Whose community: questions and ideas belong to one vendor (issue 16).

A question or idea carries the catalog vendor id (as ``Agreement.catalog.vendor``). A
customer contact sees, answers and votes only on those of the vendors their organisation
has an agreement with that runs today; vendor staff see all; anyone else (a visitor, an
account without a contact) sees none — otherwise logging out would show every vendor's
community. Callers turn "not in the queryset" into 404, as for tickets.

The vendor of a new question or idea is the author's: the one vendor of their running
agreements, or the one they choose when they have several (there is no per-vendor portal
to take it from). Staff choose any vendor that has a catalog.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Agreement, CatalogVersion
from meldpunt.contracts.selectors import contact_of, is_staff
from meldpunt.knowledge.errors import KnowledgeError
from meldpunt.knowledge.models import Idea, Question


def vendors_of(user, today: date | None = None) -> list[str] | None:
    """The vendors whose community ``user`` takes part in, sorted; None means every vendor
    (staff). Empty for anyone who is not a customer contact with a running agreement."""
    if is_staff(user):
        return None
    contact = contact_of(user)
    if contact is None:
        return []
    today = today or timezone.localdate()
    return sorted(set(
        Agreement.objects.filter(organisation_id=contact.organisation_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("catalog__vendor", flat=True)
    ))


def _scoped(rows: QuerySet, user) -> QuerySet:
    vendors = vendors_of(user)
    return rows if vendors is None else rows.filter(vendor__in=vendors)


def visible_questions(user) -> QuerySet[Question]:
    """The community questions ``user`` may read and answer."""
    return _scoped(Question.objects.all(), user)


def visible_ideas(user) -> QuerySet[Idea]:
    """The ideas ``user`` may read and vote on, with their ``vote_count``."""
    return _scoped(Idea.objects.annotate(vote_count=Count("votes", distinct=True)), user)


def may_take_part(user, vendor: str) -> bool:
    """Whether ``user`` may answer or vote on something of ``vendor``."""
    vendors = vendors_of(user)
    return vendors is None or vendor in vendors


def vendor_choices(user) -> list[tuple[str, str]]:
    """(vendor id, catalog name) of the vendors ``user`` may file a question or idea under."""
    vendors = vendors_of(user)
    names: dict[str, str] = {}
    for vendor, name in CatalogVersion.objects.order_by("vendor", "-loaded_at", "-id").values_list("vendor", "name"):
        names.setdefault(vendor, name)
    return [(vendor, names.get(vendor, vendor)) for vendor in (sorted(names) if vendors is None else vendors)]


def vendor_for(user, chosen: str = "") -> str:
    """The vendor a new question or idea of ``user`` belongs to: ``chosen`` when it is one
    of theirs, else their only one. Raises :class:`KnowledgeError` otherwise."""
    allowed = [vendor for vendor, _name in vendor_choices(user)]
    if chosen:
        if chosen not in allowed:
            raise KnowledgeError(_("You can only post in the community of a vendor you have a running agreement with."))
        return chosen
    if len(allowed) == 1:
        return allowed[0]
    if not allowed:
        raise KnowledgeError(_("The community is open to customers with a running agreement."))
    raise KnowledgeError(_("Choose the vendor your question or idea is about."))
