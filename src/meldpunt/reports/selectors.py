"""Who may see which organisation's reports: staff every one, a coordinator their own.

Anyone else — a plain contact, another organisation's coordinator — gets nothing, and the
pages turn that into 404 so another organisation's id never reveals that it exists.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from meldpunt.contracts.models import Organisation
from meldpunt.contracts.selectors import contact_of, is_staff


def report_organisations(user) -> QuerySet[Organisation]:
    if is_staff(user):
        return Organisation.objects.all()
    contact = contact_of(user)
    if contact is None or not contact.is_coordinator:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=contact.organisation_id)


def report_organisation(user, organisation_id: int) -> Organisation:
    organisation = report_organisations(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("no such organisation")
    return organisation
