"""How a request's priority and deadlines read to a person, in their language: the
confirmation page and mail, the portal, reply macros."""

from __future__ import annotations

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from meldpunt.core.priority import PriorityError, read_reason
from meldpunt.tickets.models import KIND_CHOICES, Ticket
from meldpunt.tickets.priority_words import IMPACT_WORDS, PRIORITY_ERRORS, PRIORITY_REASONS, URGENCY_WORDS


def impact_urgency_words(impact: str, urgency: str) -> str:
    """``the whole organisation × high`` / ``de hele organisatie × hoog``."""
    return f"{IMPACT_WORDS.get(impact, impact)} × {URGENCY_WORDS.get(urgency, urgency)}"


def _kind_words(params: dict) -> dict:
    """The parameters of a core text in words: kind, impact and urgency by their names."""
    words = dict(params)
    kinds = dict(KIND_CHOICES)
    if words.get("kind") in kinds:
        words["kind"] = str(kinds[words["kind"]]).lower()
    if words.get("impact") in IMPACT_WORDS:
        words["impact"] = str(IMPACT_WORDS[words["impact"]])
    if words.get("urgency") in URGENCY_WORDS:
        words["urgency"] = str(URGENCY_WORDS[words["urgency"]])
    return words


def priority_reason_words(reason: str) -> str:
    """A stored priority reason in the active language; one a person wrote stays as written."""
    found = read_reason(reason)
    if found is None:
        return reason
    code, params = found
    return str(PRIORITY_REASONS[code]) % _kind_words(params)


def priority_error_words(error: PriorityError) -> str:
    """Why no priority follows from the inputs, in the active language."""
    return str(PRIORITY_ERRORS[error.code]) % _kind_words(error.params)


def due_words(ticket: Ticket, metric: str, clocks: list | None = None) -> str:
    """The due moment in the active language's words ("Tuesday 8 December 2026 11:00"), or
    what stands in for it. ``clocks``: the ticket's clocks when the caller has read them."""
    clock = next((c for c in (ticket.clocks.all() if clocks is None else clocks) if c.metric == metric), None)
    if clock is not None and clock.due_at is not None:
        return formats.date_format(timezone.localtime(clock.due_at), "l j F Y H:i")
    if clock is not None and clock.state == "planning":
        return _("by planning")
    return _("no deadline")


def priority_words(ticket: Ticket, language: str) -> str:
    """The catalog's name of the request's priority ("Priority A", "Kritiek"), or that it is
    still to be assessed."""
    with translation.override(language):
        if not ticket.priority:
            return _("to be assessed")
        if ticket.agreement_id:
            return ticket.agreement.catalog.parsed().priority.label(ticket.priority, language)
        return ticket.priority


def priority_line(ticket: Ticket, language: str, *, short: bool = False) -> str:
    """The priority as a line or caption: "Priority: High", "Prioriteit A" (the catalog's
    label already says it is a priority: not "Prioriteit: Prioriteit A"), "Priority: to be
    assessed". ``short``: a page header's form, the part of a long label before its colon
    and no colon ("Priority Category I")."""
    with translation.override(language):
        word, name = _("Priority"), priority_words(ticket, language)
        if short:
            name = name.split(":")[0]
        if word.lower() in name.lower():
            return name
        return f"{word} {name}" if short else f"{word}: {name}"


def deadline_sentences(ticket: Ticket, language: str) -> list[str]:
    """One sentence per clock, response first: what the customer may expect and when. One
    read of the clocks (none when the caller prefetched them)."""
    lines = []
    clocks = sorted(ticket.clocks.all(), key=lambda c: 0 if c.metric == "response" else 1)
    with translation.override(language):
        for clock in clocks:
            if clock.due_at is not None and clock.metric == "response":
                lines.append(_("We respond by %(moment)s.") % {"moment": due_words(ticket, "response", clocks)})
            elif clock.due_at is not None:
                lines.append(_("We aim to resolve it by %(moment)s.") % {"moment": due_words(ticket, "resolution", clocks)})
            elif clock.state == "planning":
                lines.append(_("The date of the solution is planned with you."))
        if not lines:
            lines.append(_("No service-level deadlines apply to this request."))
    return lines
