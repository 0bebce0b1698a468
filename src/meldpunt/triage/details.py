"""A customer's answer that gives the details we asked for (seed 002: an incomplete request
goes back for information; seeds 000/001: product, version, error code, steps).

The completeness request sends the customer a labelled form
(:func:`meldpunt.triage.completeness_words.information_request`); their answer — by mail, in the
portal or through the API — is read with :func:`meldpunt.core.labelled_fields.read_labelled`.
A field is filled when it is empty or the last check found it missing, too short or
invalid: an agent's correction or a detail the customer gave before is never overwritten
by a later mention. The change is one ``corrected`` event ("the customer's answer"), a new
product computes the clocks again (targets may differ per product), and completeness and
coverage are checked again.
"""

from __future__ import annotations

from meldpunt.core.labelled_fields import read_labelled
from meldpunt.tickets import events, search_index
from meldpunt.tickets.clocks import recompute_clocks
from meldpunt.tickets.models import Ticket
from meldpunt.triage.models import Assessment
from meldpunt.triage.services import assess

#: The request fields an answer may fill, with their stored length (None: no limit).
FILLED = {"product": 120, "product_version": 60, "error_code": 120, "reproduction": None, "description": None}


def fill_from_answer(ticket: Ticket, body: str, *, actor=None) -> dict[str, list[str]]:
    """Fill the details ``body`` gives that ``ticket`` lacks; returns ``{field: [old, new]}``."""
    found = {name: value for name, value in read_labelled(body).items() if name in FILLED}
    if not found:
        return {}
    assessment = Assessment.objects.filter(ticket=ticket).first()
    asked = {m["field"] for m in (assessment.missing if assessment else [])}
    changed = {}
    for name, value in found.items():
        old = getattr(ticket, name)
        limit = FILLED[name]
        value = value[:limit] if limit else value
        if (not old.strip() or name in asked) and value != old:
            changed[name] = [old, value]
            setattr(ticket, name, value)
    if not changed:
        return {}
    ticket.version += 1
    ticket.save(update_fields=[*changed, "version", "updated_at"])
    search_index.refresh([ticket.pk])
    events.record(ticket, "corrected", actor=actor, changes=changed, source="customer_answer")  # worded when read
    if "product" in changed:  # a catalog may set targets per product (seed 003): clocks again from receipt
        recompute_clocks(ticket)
    if ticket.agreement_id is not None:
        assess(ticket)
    return changed
