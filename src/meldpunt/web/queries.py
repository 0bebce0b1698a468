"""Reads for the console and the portal, shaped for pages (HackSoft selectors).

Kept next to the pages rather than in ``tickets.selectors`` because they answer page
questions (which queue, which row, what to show in the deadline panel); visibility still
comes from :func:`visible_tickets` and :func:`visible_agreements`.

The queue pages with keyset cursors on indexed columns and never count the table: the
ticket carries its next deadline and priority rank (``Ticket.next_due_at``,
``priority_rank``), and partial indexes of the open tickets serve each queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from meldpunt.contracts.catalogs import StoredCatalog, calendar_for, stored_catalogs
from meldpunt.contracts.hours_words import describe_hours
from meldpunt.contracts.models import Agreement
from meldpunt.contracts.services import check_limits
from meldpunt.contracts.vocabulary_words import entitlement_label
from meldpunt.core.businesstime import epoch
from meldpunt.core.sla import business_time_left
from meldpunt.intake.models import InboundMail
from meldpunt.teams.selectors import team_queue
from meldpunt.tickets.clocks import explain, pauses_of
from meldpunt.tickets.models import OPEN_STATUSES, UNRANKED, Clock, Message, Ticket, TicketEvent
from meldpunt.tickets.search import search_ids
from meldpunt.tickets.selectors import visible_messages, visible_tickets
from meldpunt.tickets.sla_words import span_words
from meldpunt.triage.selectors import customer_state

#: A running clock due within this much wall-clock time is "breaching soon".
SOON = timedelta(hours=4)
SORTS = ("deadline", "priority", "newest", "oldest")
#: ``Ticket.priority_rank`` values, most urgent first (UNRANKED last).
RANKS = tuple(range(UNRANKED + 1))


def thread(user, ticket: Ticket) -> QuerySet[Message]:
    """The messages the caller may read, each with ``sender``: the address a mail came from.

    A customer's answer by mail has no author (no one logged in wrote it); the page names
    the address it came from instead.
    """
    mail = InboundMail.objects.filter(message=OuterRef("pk")).order_by("pk").values("sender")[:1]
    return (visible_messages(user, ticket).annotate(sender=Subquery(mail)).prefetch_related("attachments")
            .select_related("full_mail"))  # a mail reply's whole text (intake.quotes)


# ------------------------------------------------------------------ the queue
@dataclass
class QueueQuery:
    queue: str = "all"
    sort: str = "deadline"
    status: str = ""
    kind: str = ""
    priority: str = ""
    organisation: int | None = None
    cursor: str = ""
    q: str = ""  # full-text search: every status unless one is chosen, best match first
    tag: str = ""  # issue 19: requests with this tag (meldpunt.organise)
    team: int | None = None  # issue 19: one team's queue (meldpunt.teams)


@dataclass
class QueueRow:
    ticket: Ticket
    next_clock: Clock | None = None
    paused: bool = False
    breached: bool = False
    soon: bool = False
    subject_html: str = ""  # with a search: the subject with the matches marked (escaped HTML)
    snippet: str = ""  # with a search: where else it matched (escaped HTML)


@dataclass
class QueuePage:
    rows: list[QueueRow] = field(default_factory=list)
    next_cursor: str = ""


def _ticket_filter(user, q: QueueQuery, now: datetime) -> Q:
    """The queue and the filters as a condition on tickets (field names without prefix)."""
    cond = Q()
    if q.status:
        cond &= Q(status=q.status)
    elif q.queue != "waiting" and not q.q:
        cond &= Q(status__in=OPEN_STATUSES)
    if q.queue == "mine":
        cond &= Q(assignee_id=user.pk)
    elif q.queue == "team":
        cond &= team_queue(user)
    elif q.queue == "triage":
        cond &= Q(status="new", assignee__isnull=True)
    elif q.queue == "waiting":
        cond &= Q(status="waiting_customer")
    if q.kind:
        cond &= Q(kind=q.kind)
    if q.priority:
        cond &= Q(priority=q.priority)
    if q.organisation:
        cond &= Q(organisation_id=q.organisation)
    if q.tag:
        cond &= Q(tags__name=q.tag)
    if q.team:
        cond &= team_queue(user, q.team)
    return cond


@dataclass(frozen=True)
class _Segment:
    """One stretch of a queue's order, walked on a partial index of open tickets."""

    where: Q
    by_due: bool  # (next_due_at, id) ascending; else the id, ``descending`` or not
    descending: bool = False


def _segments(q: QueueQuery, now: datetime, catalogs: Sequence[StoredCatalog] | None) -> list[_Segment]:
    """The queue's order as consecutive segments, each a keyset walk of its own.

    By deadline: the tickets with a running deadline, earliest first, then those without
    (paused, by planning, no target) newest first. By priority: the same within each rank,
    most urgent rank first — ranks from each catalog's scheme, so A, I and critical sort
    together — and within a rank the higher package rank first (the catalogs'
    ``queue_rank``: Infor Premium before Xtreme). ``soon`` and ``breached`` are ranges of the
    deadline; they have no tail."""
    if q.sort in ("newest", "oldest"):
        return [_Segment(Q(), by_due=False, descending=q.sort == "newest")]
    due = Q(next_due_at__isnull=False)
    if q.queue == "breached":  # an indicative time is never breached (``[targets] indicative``)
        due &= Q(next_due_at__lt=now, next_due_indicative=False)
    elif q.queue == "soon":
        due &= Q(next_due_at__gte=now, next_due_at__lt=now + SOON, next_due_indicative=False)
    tail = q.queue not in ("soon", "breached")
    pair = [_Segment(due, by_due=True)] + ([_Segment(Q(next_due_at__isnull=True), by_due=False, descending=True)] if tail else [])
    if q.sort != "priority":
        return pair
    packages = package_ranks(stored_catalogs() if catalogs is None else catalogs)
    return [_Segment(Q(priority_rank=rank, package_rank=package) & s.where, s.by_due, s.descending)
            for rank in RANKS for package in packages for s in pair]


def package_ranks(catalogs: Sequence[StoredCatalog]) -> tuple[int, ...]:
    """The package ranks the stored catalog versions use, highest first (0 always): the
    priority sort walks one segment per rank and package rank, on the partial index
    ``ticket_open_rank_pkg_due``. Every ticket's rank comes from one of these versions
    (an agreement's version cannot be deleted), so no ticket falls between segments.
    ``catalogs``: :func:`~meldpunt.contracts.catalogs.stored_catalogs`."""
    ranks = {0}
    for stored in catalogs:
        ranks |= {package.queue_rank for package in stored.catalog.packages.values()}
    return tuple(sorted(ranks, reverse=True))


def priority_labels(catalogs: Sequence[StoredCatalog], language: str) -> dict[str, str]:
    """Every catalog's priority levels, most urgent first per vendor, each with the label its
    catalog gives it in ``language`` ("critical" reads "Kritiek" in Dutch), in its short
    form: the part before a colon ("Categorie I: functioneert helemaal niet…" is
    "Categorie I"). A level two vendors share takes the label of the first that names it
    (vendors by id, each newest version first). ``catalogs``: :func:`stored_catalogs`."""
    levels: dict[str, str] = {}
    for stored in catalogs:
        scheme = stored.catalog.priority
        for level in scheme.levels:
            levels.setdefault(level, scheme.label(level, language[:2]).split(":")[0])
    return levels


def _encode(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1_000_000))


def _decode(text: str) -> datetime:
    return datetime.fromtimestamp(int(text) / 1_000_000, UTC)


class CursorError(ValueError):
    """A queue cursor this desk did not make (hand-edited, truncated or from another version)."""

    def __init__(self):
        super().__init__(gettext("This page link is not valid (any more); here is the first page."))


#: The largest id a cursor may name (the database's 64-bit key).
MAX_ID = 2**63 - 1


def _cursor_id(text: str) -> int:
    pk = int(text)
    if not 0 <= pk <= MAX_ID:
        raise ValueError(text)
    return pk


def _after(segment: _Segment, key: str) -> Q:
    """The rows of ``segment`` after the cursor's key ("<due µs>.<id>" or "<id>")."""
    if segment.by_due:
        due_text, pk_text = key.split(".")
        due, pk = _decode(due_text), _cursor_id(pk_text)
        return Q(next_due_at__gte=due) & (Q(next_due_at__gt=due) | Q(id__gt=pk))
    pk = _cursor_id(key)
    return Q(id__lt=pk) if segment.descending else Q(id__gt=pk)


def queue_page(user, q: QueueQuery, *, limit: int = 50, now: datetime | None = None,
               catalogs: Sequence[StoredCatalog] | None = None) -> QueuePage:
    """One page of the console queue and the cursor of the next page ("" at the end).

    ``catalogs``: the request's :func:`stored_catalogs`, when the caller read them already
    (read here only for the priority sort otherwise).

    Keyset cursors on ``Ticket.next_due_at`` / ``priority_rank`` / id over partial indexes
    of the open tickets; the table is never counted. A cursor this function did not make
    raises :class:`CursorError` (the page answers 400 and shows the first page).
    """
    now = now or timezone.now()
    base = visible_tickets(user).filter(_ticket_filter(user, q, now))
    if q.q:
        return _search_page(base, q, limit, now)
    segments = _segments(q, now, catalogs)
    index, after = 0, None
    if q.cursor:
        try:
            head, _, key = q.cursor.partition(".")
            index = int(head.removeprefix("s"))
            if not 0 <= index < len(segments):
                raise IndexError(index)
            after = _after(segments[index], key) if key else None  # "" = the segment's start
        except (ValueError, IndexError, OverflowError, OSError):
            raise CursorError from None
    ids: list[int] = []
    next_cursor = ""
    for position in range(index, len(segments)):
        segment, room = segments[position], limit - len(ids)
        rows = base.filter(segment.where)
        if position == index and after is not None:
            rows = rows.filter(after)
        order = ("next_due_at", "id") if segment.by_due else ("-id",) if segment.descending else ("id",)
        found = list(rows.order_by(*order).values_list("id", "next_due_at")[: room + 1])
        if len(found) > room and not room:  # the page filled up exactly at the segment's start
            found, next_cursor = [], f"s{position}."
        elif len(found) > room:
            found = found[:room]
            pk, due = found[-1]
            next_cursor = f"s{position}." + (f"{_encode(due)}.{pk}" if segment.by_due else str(pk))
        ids += [pk for pk, _ in found]
        if next_cursor:
            break
    return QueuePage(rows_for(ids, now, slim=True), next_cursor)


#: How deep a search can be paged (an agent refines the words long before).
MAX_SEARCH_OFFSET = 10_000


def _search_page(base: QuerySet[Ticket], q: QueueQuery, limit: int, now: datetime) -> QueuePage:
    """A page of search results, best match first (:func:`meldpunt.tickets.search.search`),
    within the queue and filters; the cursor is the offset ("r<n>"), as rank has no key."""
    offset = 0
    if q.cursor:
        try:
            offset = int(q.cursor.removeprefix("r")) if q.cursor.startswith("r") else -1
        except ValueError:
            raise CursorError from None
        if not 0 <= offset <= MAX_SEARCH_OFFSET:
            raise CursorError
    if q.queue == "breached":
        base = base.filter(next_due_at__lt=now, next_due_indicative=False)
    elif q.queue == "soon":
        base = base.filter(next_due_at__gte=now, next_due_at__lt=now + SOON, next_due_indicative=False)
    ids = search_ids(base, q.q, internal=True, offset=offset, limit=limit + 1)
    more = len(ids) > limit and offset + limit <= MAX_SEARCH_OFFSET
    return QueuePage(rows_for(ids[:limit], now, slim=True), f"r{offset + limit}" if more else "")


#: What the console's queue rows read of a ticket and its clocks (``views_console._cells``):
#: a list has no use for a ticket's description or a clock's pauses, which were most of the
#: bytes read.
QUEUE_TICKET_FIELDS = ("id", "subject", "kind", "status", "priority", "organisation__name", "assignee__username")
QUEUE_CLOCK_FIELDS = ("id", "ticket_id", "metric", "state", "due_at", "indicative")


def rows_for(ids: list[int], now: datetime, *, slim: bool = False) -> list[QueueRow]:
    """Hydrate the page's tickets and their clocks in two queries, in ``ids`` order.
    ``slim``: only the fields the console's queue shows (:data:`QUEUE_TICKET_FIELDS`)."""
    if not ids:
        return []
    found = Ticket.objects.filter(pk__in=ids)
    clock_rows = Clock.objects.filter(ticket_id__in=ids)
    if slim:
        found = found.select_related("organisation", "assignee").only(*QUEUE_TICKET_FIELDS)
        clock_rows = clock_rows.only(*QUEUE_CLOCK_FIELDS)
    else:
        found = found.select_related("organisation", "assignee", "agreement")
    tickets = {t.pk: t for t in found}
    clocks: dict[int, list[Clock]] = {}
    for clock in clock_rows:
        clocks.setdefault(clock.ticket_id, []).append(clock)
    rows = []
    for pk in ids:
        ticket = tickets.get(pk)
        if ticket is None:
            continue
        mine = clocks.get(pk, [])
        # The next hard deadline; an indicative one (never a breach) only when no hard one runs.
        running = sorted((c for c in mine if c.state == "running" and c.due_at),
                         key=lambda c: (c.indicative, c.due_at, c.pk))
        nxt = running[0] if running else None
        hard = nxt is not None and not nxt.indicative
        rows.append(QueueRow(
            ticket=ticket, next_clock=nxt,
            paused=any(c.state == "paused" for c in mine),
            breached=bool(hard and nxt.due_at < now),
            soon=bool(hard and now <= nxt.due_at < now + SOON),
        ))
    return rows


# ------------------------------------------------------------------ one ticket
def deadline_panel(ticket: Ticket, language: str, now: datetime | None = None) -> list[dict]:
    """Each clock with its due moment, business time left and explanation (SPEC §4)."""
    now = now or timezone.now()
    panel = []
    for clock in sorted(ticket.clocks.all(), key=lambda c: 0 if c.metric == "response" else 1):
        clock.ticket = ticket
        left, overdue = None, False
        if clock.state == "running" and clock.due_at and ticket.agreement_id:
            calendar = calendar_for(ticket.agreement.catalog, clock.calendar, language)
            seconds = business_time_left(calendar, now, clock.due_at, pauses_of(clock))
            overdue = seconds < 0
            left = span_words(abs(seconds), language)
        panel.append({
            "clock": clock,
            "lines": explain(clock, language),
            "left": left,
            "overdue": overdue,
            # An indicative time (catalog: ``[targets] indicative``) is shown but never breached.
            "breached": bool(clock.due_at and not clock.indicative and (clock.stopped_at or now) > clock.due_at),
            "late": bool(clock.due_at and clock.indicative and (clock.stopped_at or now) > clock.due_at),
        })
    return panel


def ticket_events(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class RequestState:
    """Seed 002: what the customer reads from category and status."""

    category: str
    status: str
    code: str  # "not_accepted", "accepted" or "advisory"
    meaning: str


def request_state(ticket: Ticket) -> RequestState:
    """Category "Call" + status New = not yet accepted; Call + Approved or later = accepted
    under the contract; any other category = advisory request with a proposal (seed 002)."""
    state = customer_state(ticket)
    return RequestState(state.category, state.status, state.code, state.meaning)


# ------------------------------------------------------------------ agreements
LIMIT_LABELS = {"users": gettext_lazy("Users"), "customisation_lines": gettext_lazy("Customisation lines")}


def agreement_summary(agreement: Agreement, language: str, now: datetime | None = None, holidays: int = 8) -> dict:
    """The agreement at a glance: package, add-ons, entitlements, usage against limits,
    service hours per calendar and the next closed days (SPEC §1, §4)."""
    now = now or timezone.now()
    version = agreement.catalog
    catalog = version.parsed()
    package = catalog.package(agreement.package)
    addon_rows = list(agreement.addons.all())
    addon_ids = [a.addon for a in addon_rows if a.addon in catalog.addons]
    try:
        granted = catalog.entitlements(agreement.package, addon_ids)
        addons = catalog.addon_list(addon_ids, agreement.package)
    except KeyError:
        granted, addons = package.entitlements, []
    declared = {"users": agreement.declared_users, "customisation_lines": agreement.declared_customisation_lines}
    excess = {e.limit for e in check_limits(agreement)}
    limits = [
        {"name": str(LIMIT_LABELS.get(name, name)), "allowed": allowed, "declared": declared.get(name),
         "exceeded": name in excess, "percent": min(100, round(100 * (declared.get(name) or 0) / allowed)) if allowed else 0}
        for name, allowed in package.limits.items()
    ]
    calendar_ids = [package.calendar]
    for rule in [*package.calendar_rules, *(r for a in addons for r in a.calendar_rules)]:
        if rule.calendar not in calendar_ids:
            calendar_ids.append(rule.calendar)
    calendars, closed = [], {}
    for cal_id in calendar_ids:
        definition = catalog.calendar(cal_id)
        calendars.append({"name": definition.label(language),
                          "hours": describe_hours(definition.weekly, definition.holiday_set, language)})
        built = calendar_for(version, cal_id, language)
        for day in built.closed_days_between(epoch(now), epoch(now + timedelta(days=366))):
            closed.setdefault(day.day, day.name)
    return {
        "agreement": agreement,
        "package": package.name.get(language, package.id),
        "price": package.monthly_price or None,
        "currency": catalog.currency,
        "catalog": f"{catalog.name} {catalog.version}",
        "addons": [
            {"name": catalog.addons[a.addon].name.get(language, a.addon) if a.addon in catalog.addons else a.addon,
             "quantity": a.quantity, "names": a.names}
            for a in addon_rows
        ],
        "entitlements": sorted(entitlement_label(e, language) for e in granted),
        "limits": limits,
        "calendars": calendars,
        "holidays": sorted(closed.items())[:holidays],
        "kinds": catalog.kinds,
        "scheme": catalog.priority,
    }
