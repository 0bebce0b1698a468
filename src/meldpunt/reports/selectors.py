"""Who may see which organisation's reports: staff every one, a coordinator their own.

Anyone else — a plain contact, another organisation's coordinator — gets nothing, and the
pages turn that into 404 so another organisation's id never reveals that it exists.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from meldpunt.contracts.models import Organisation
from meldpunt.contracts.selectors import own_organisation


def report_organisations(user) -> QuerySet[Organisation]:
    return own_organisation(user, Organisation.objects.all(), "pk", coordinators=True)


def report_organisation(user, organisation_id: int) -> Organisation:
    organisation = report_organisations(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("no such organisation")
    return organisation
