"""Compute a ticket's SLA clocks with the core engine and store them as rows.

The ticket model never computes; services call :func:`recompute_clocks` after any change
of status, priority, planning or pauses (DESIGN.md: clocks are recomputed then). The due
moment comes from ``core.sla.compute_deadline``, which is built on the core's single due
function ``core.due.due_at``; after a calendar change the clocks move in bulk through
:mod:`meldpunt.tickets.calendars` with its batch form, so both paths give the same moments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from meldpunt.contracts.catalogs import calendar_for
from meldpunt.contracts.services import agreement_overrides
from meldpunt.core.catalog import Catalog
from meldpunt.core.sla import Deadline, Line, Pause, Target, compute_deadline
from meldpunt.core.vocabulary import METRICS
from meldpunt.tickets.models import KIND_CHOICES, Clock, Ticket
from meldpunt.tickets.sla_words import METRIC_WORDS, explanation_words

#: Other apps may switch a ticket's calendar: ``hook(ticket, catalog, language) -> (calendar_id, why)
#: | (calendar_id, why, extra_hours) | None``; ``extra_hours`` ((date, ranges), ...) are open on top
#: of the calendar. Triage registers the special-event weekend (catalog ``[special_weekend]``).
CALENDAR_HOOKS: list[Callable] = []

#: The bulk recompute asks these which tickets of a chunk a calendar hook may switch, and
#: recomputes those one by one (:func:`recompute_clocks`) so the hook applies:
#: ``claim(version, [(ticket_id, received_epoch), ...]) -> set[ticket_id]``.
CLOCK_CLAIMS: list[Callable] = []


def pauses_of(clock: Clock) -> list[Pause]:
    return [
        Pause(datetime.fromisoformat(a), datetime.fromisoformat(b) if b else None, reason)
        for a, b, *rest in clock.pauses
        for reason in [rest[0] if rest else ""]
    ]


@dataclass(frozen=True)
class _Terms:
    """What both clocks of a ticket share: its catalog, add-ons, overrides and calendar."""

    catalog: Catalog
    addons: list[str]
    overrides: tuple
    calendar: object
    why: str


def _terms(ticket: Ticket, language: str) -> _Terms | None:
    agreement = ticket.agreement
    if agreement is None or not ticket.priority:
        return None
    version = agreement.catalog
    catalog = version.parsed()
    addons = agreement.addon_ids()
    cal_id, why = catalog.calendar_for(agreement.package, addons, ticket.kind, ticket.priority).id, ""
    extra: tuple = ()
    for hook in CALENDAR_HOOKS:
        switched = hook(ticket, catalog, language)
        if switched:
            cal_id, why, *rest = switched
            extra = rest[0] if rest else ()
            break
    calendar = calendar_for(version, cal_id, language, extra)
    return _Terms(catalog, addons, agreement_overrides(agreement), calendar, why)


def clock_calendar(ticket: Ticket, language: str = "en"):
    """The calendar the ticket's clocks run on, calendar hooks applied (None: no clocks)."""
    terms = _terms(ticket, language)
    return terms.calendar if terms else None


def deadline_for(
    ticket: Ticket, metric: str, pauses: list[Pause], language: str = "en", terms: _Terms | None = None
) -> Deadline | None:
    """The core deadline of one clock of ``ticket``, or None when no target applies.

    ``terms`` (from :func:`_terms`) lets both clocks share one lookup of the agreement."""
    terms = terms or _terms(ticket, language)
    if terms is None:
        return None
    catalog = terms.catalog
    target: Target | None = catalog.target_for(
        ticket.agreement.package, terms.addons, ticket.kind, ticket.priority, metric, terms.overrides,
        product=ticket.product,
    )
    if target is None:
        return None
    with translation.override(language):
        words = [str(METRIC_WORDS.get(metric, metric)), catalog.priority.label(ticket.priority, language)]
        if catalog.is_indicative(metric):
            words.append(_("indicative"))
    deadline = compute_deadline(
        terms.calendar, target, ticket.received_at, pauses,
        planned=ticket.planned_at if metric == "resolution" else None, label=", ".join(words),
    )
    if terms.why:  # e.g. the special-event weekend's hours: say so right after the calendar
        deadline.explanation.insert(1, Line("switched", {"text": terms.why}))
    if catalog.is_indicative(metric) and deadline.due is not None:
        deadline.explanation.append(Line("indicative"))
    return deadline


def recompute_clocks(ticket: Ticket) -> list[Clock]:
    """Update (or create) both clocks of ``ticket`` from its current state, and keep the
    ticket's ``next_due_at`` (the queues sort on it) in step. A ticket being registered
    gets its clocks from :func:`clocks_for_new` instead."""
    result = _computed(ticket, {c.metric: c for c in ticket.clocks.all()})
    for clock in result:
        clock.save()
    nxt = next_clock(result)
    due, indicative = (nxt.due_at, nxt.indicative) if nxt else (None, False)
    if (due, indicative) != (ticket.next_due_at, ticket.next_due_indicative):
        ticket.next_due_at, ticket.next_due_indicative = due, indicative
        Ticket.objects.filter(pk=ticket.pk).update(next_due_at=due, next_due_indicative=indicative)
    return result


def clocks_for_new(ticket: Ticket) -> list[Clock]:
    """Both clocks of a ticket not saved yet, with its ``next_due_at`` set, so registering a
    request is one ticket insert and one clock insert (save the clocks after the ticket)."""
    result = _computed(ticket, {})
    nxt = next_clock(result)
    ticket.next_due_at, ticket.next_due_indicative = (nxt.due_at, nxt.indicative) if nxt else (None, False)
    return result


def next_clock(clocks: list[Clock]) -> Clock | None:
    """The running clock the queues sort on: the earliest hard one; only when no hard clock
    runs, the earliest indicative one (``[targets] indicative``: shown and sorted on, but
    never breached, so the *breached* and *soon* queues leave it out)."""
    running = [c for c in clocks if c.state == "running" and c.due_at]
    return min(running, key=lambda c: (c.indicative, c.due_at), default=None)


def next_due(clocks: list[Clock]) -> datetime | None:
    """The due moment of :func:`next_clock`: what the console queues sort on."""
    nxt = next_clock(clocks)
    return nxt.due_at if nxt else None


def refresh_next_due(ticket_ids) -> int:
    """Set ``next_due_at`` (and whether it is indicative) from the stored clocks, for writers
    that move clocks in bulk."""
    first = (Clock.objects.filter(ticket_id=OuterRef("pk"), state="running", due_at__isnull=False)
             .order_by("indicative", "due_at"))
    return Ticket.objects.filter(pk__in=list(ticket_ids)).update(
        next_due_at=Subquery(first.values("due_at")[:1]),
        next_due_indicative=Coalesce(Subquery(first.values("indicative")[:1]), Value(False)))


def _computed(ticket: Ticket, clocks: dict[str, Clock]) -> list[Clock]:
    terms = _terms(ticket, "en")
    result = []
    for metric in METRICS:
        clock = clocks.get(metric) or Clock(ticket=ticket, metric=metric)
        deadline = deadline_for(ticket, metric, pauses_of(clock), terms=terms) if terms else None
        clock.indicative = deadline is not None and terms is not None and terms.catalog.is_indicative(metric)
        if deadline is None:
            clock.state, clock.target, clock.calendar = "none", "", ""
            clock.due_at = clock.started_at = None
            with translation.override("en"):  # stored in English; read through explain()
                clock.explanation = [_no_clock(ticket, metric)]
        else:
            clock.target = str(deadline.target)
            clock.calendar = deadline.calendar_id
            clock.started_at = deadline.started
            clock.due_at = deadline.due
            clock.explanation = explanation_words(deadline.explanation, "en")
            clock.state = "stopped" if clock.stopped_at else deadline.state
        result.append(clock)
    return result


def _no_clock(ticket: Ticket, metric: str) -> str:
    """Why a clock has no deadline, in the active language."""
    if ticket.agreement_id is None:
        return _("No agreement on this request, so no service levels apply")
    if not ticket.priority:
        return _("The priority is not assessed yet; the clock counts from receipt once it is")
    return _("The agreement sets no %(metric)s target for a %(kind)s with priority %(priority)s") % {
        "metric": METRIC_WORDS[metric] if metric in METRIC_WORDS else metric,
        "kind": str(dict(KIND_CHOICES).get(ticket.kind, ticket.kind)).lower(), "priority": ticket.priority}


def explain(clock: Clock, language: str) -> list[str]:
    """The clock's explanation in ``language``. The stored text is English; the bulk
    recompute stores none (a million explanations are not worth writing when a few are
    read), so it is derived from the clock again when missing or in another language.
    Explanations stored before the core returned structured lines are English too: an
    English reader reads them as stored, any other reader gets them derived again (issue
    21), never the stored English."""
    if clock.state == "none":
        with translation.override(language):
            return [_no_clock(clock.ticket, clock.metric)]
    if language == "en" and clock.explanation:
        return list(clock.explanation)
    deadline = deadline_for(clock.ticket, clock.metric, pauses_of(clock), language)
    if deadline is None:  # the terms changed since the clock was stored: say why there is none now
        with translation.override(language):
            return [_no_clock(clock.ticket, clock.metric)]
    return explanation_words(deadline.explanation, language)
