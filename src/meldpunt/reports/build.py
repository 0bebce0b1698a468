"""Build an evaluation report of one organisation and period (SPEC.md §7).

Seed 004 step 4: how long tickets stay open and where to improve; seed 003 (Elite
reviews): who submitted what, what was opened and closed. Definitions (docs/reports.md):

- *opened*: tickets received in the period; *closed*: tickets resolved or closed whose
  resolution clock stopped in the period.
- *SLA attainment*: the clocks of the tickets received in the period, per priority and
  metric (:mod:`meldpunt.core.reporting`); judged at the moment the report is made, so a
  running clock already past its due counts as missed.
- *aging*: tickets open at the end of the period (or now, for a running period).
- *time spent*: time entries started in the period, covered vs billable.
- *customer satisfaction*: the ratings (good/bad) given or last changed in the period
  (:mod:`meldpunt.satisfaction`), with the customers' comments.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from meldpunt.billing.models import TimeEntry
from meldpunt.contracts.catalogs import calendar_for
from meldpunt.contracts.models import Organisation
from meldpunt.contracts.vocabulary_words import kind_label
from meldpunt.core import reporting
from meldpunt.core.businesstime import epoch
from meldpunt.core.reporting import Attainment, ClockRecord, Durations, Period, WhatIf
from meldpunt.core.vocabulary import METRICS
from meldpunt.reports.whatif import replay
from meldpunt.satisfaction.selectors import Satisfaction, satisfaction
from meldpunt.tickets.clocks import explain
from meldpunt.tickets.models import OPEN_STATUSES, Clock, Ticket
from meldpunt.tickets.sla_words import span_words


class ReportError(ValueError):
    """A report that cannot be made as asked (bad period, unknown package …)."""


@dataclass
class Breach:
    number: int
    subject: str
    priority: str
    metric: str
    due: datetime
    stopped: datetime | None
    late: str  # business time past due, e.g. "3h 30m"
    explanation: list[str]
    priority_label: str = ""


@dataclass
class TicketRow:
    number: int
    subject: str
    reporter: str
    kind: str
    priority: str
    received: datetime
    resolved: datetime | None


@dataclass
class TimeSpent:
    covered_minutes: int = 0
    billable_minutes: int = 0
    billed_minutes: int = 0
    amount: str = "0.00"
    currency: str = ""

    @property
    def covered_hours(self) -> float:
        return round(self.covered_minutes / 60, 2)

    @property
    def billable_hours(self) -> float:
        return round(self.billable_minutes / 60, 2)

    @property
    def billed_hours(self) -> float:
        return round(self.billed_minutes / 60, 2)


@dataclass
class Report:
    organisation: Organisation
    period: Period
    generated_at: datetime
    as_of: datetime
    language: str
    priorities: list[tuple[str, str]]  # (level, label), most urgent first
    opened: int = 0
    closed: int = 0
    opened_by_kind: list[tuple[str, int]] = field(default_factory=list)
    submitters: list[tuple[str, int, str]] = field(default_factory=list)  # name, count, kinds
    attainment: list[Attainment] = field(default_factory=list)
    totals: dict[str, Attainment] = field(default_factory=dict)
    #: Clocks the catalog calls indicative (ERP.M resolution), apart: within or past the
    #: indicative time, never met/missed, never a breach (docs/catalogs.md).
    indicative: list[Attainment] = field(default_factory=list)
    open_count: int = 0
    aging: dict[str, int] = field(default_factory=dict)
    resolution: Durations | None = None
    resolution_by_priority: list[tuple[str, Durations]] = field(default_factory=list)
    time: TimeSpent = field(default_factory=TimeSpent)
    breaches: list[Breach] = field(default_factory=list)
    workload: list[tuple[str, int, int]] = field(default_factory=list)  # month, opened, closed
    tickets: list[TicketRow] = field(default_factory=list)  # opened or closed in the period
    whatif: WhatIf | None = None
    satisfaction: Satisfaction = field(default_factory=Satisfaction)

    def priority_label(self, level: str) -> str:
        return dict(self.priorities).get(level, level or "–")

    @property
    def whatif_actual(self) -> int:
        return self.whatif.totals()[0] if self.whatif else 0

    @property
    def whatif_scenario(self) -> int:
        return self.whatif.totals()[1] if self.whatif else 0

    def label_rows(self) -> None:
        """Name the priorities in the rows for people (the core rows carry codes only)."""
        for row in [*self.attainment, *self.indicative, *(self.whatif.rows if self.whatif else [])]:
            row.label = self.priority_label(row.priority)
        for breach in self.breaches:
            breach.priority_label = self.priority_label(breach.priority)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _priorities(organisation: Organisation, tickets: list[Ticket], language: str) -> list[tuple[str, str]]:
    """The priority levels of the organisation's catalogs, most urgent first, then any others seen."""
    seen: dict[str, str] = {}
    versions = {t.agreement.catalog_id: t.agreement.catalog for t in tickets if t.agreement_id}
    versions.update({a.catalog_id: a.catalog for a in organisation.agreements.select_related("catalog")})
    for version in versions.values():
        scheme = version.parsed().priority
        for level in scheme.levels:
            seen.setdefault(level, scheme.label(level, language))
    for ticket in tickets:
        if ticket.priority:
            seen.setdefault(ticket.priority, ticket.priority)
    return list(seen.items())


def build_report(
    organisation: Organisation, period: Period | str, *, language: str = "en", now: datetime | None = None,
    scenario=None, progress=None,
) -> Report:
    """Everything on the report page and in the PDF. ``scenario``: a :class:`whatif.Scenario`."""
    if isinstance(period, str):
        try:
            period = Period.parse(period)
        except reporting.PeriodError as exc:
            raise ReportError(period_error_words(exc)) from None
    step = progress or (lambda message: None)
    now = now or timezone.now()
    start, end = period.bounds(_zone())
    as_of = min(now, end)
    step("tickets")
    tickets = list(
        Ticket.objects.filter(organisation=organisation, received_at__gte=start, received_at__lt=end)
        .select_related("contact", "agreement__catalog").order_by("received_at", "id")
    )
    report = Report(organisation, period, now, as_of, language, _priorities(organisation, tickets, language))
    report.opened = len(tickets)
    report.opened_by_kind = [(kind_label(k, language), n) for k, n in Counter(t.kind for t in tickets).most_common()]
    by_person: dict[str, Counter] = {}
    for t in tickets:
        who = t.contact.name if t.contact_id else (t.reporter_email or "—")
        by_person.setdefault(who, Counter())[t.kind] += 1
    report.submitters = sorted(
        ((who, sum(c.values()), ", ".join(f"{kind_label(k, language)} {n}" for k, n in c.most_common())) for who, c in by_person.items()),
        key=lambda row: (-row[1], row[0]),
    )

    step("clocks")
    clocks = list(Clock.objects.filter(ticket__in=tickets).select_related("ticket__agreement__catalog"))
    hard = [c for c in clocks if not c.indicative]
    records = [ClockRecord(c.ticket.priority, c.metric, c.due_at, c.stopped_at) for c in hard]
    levels = [p for p, _ in report.priorities]
    report.attainment = reporting.attainment(records, now, levels, METRICS)
    report.totals = {m: reporting.total_attainment(report.attainment, m) for m in METRICS}
    indicative = [ClockRecord(c.ticket.priority, c.metric, c.due_at, c.stopped_at) for c in clocks if c.indicative]
    if indicative:
        found = reporting.attainment(indicative, now, levels, METRICS)
        report.indicative = [row for row in found if row.counted or row.pending]
    report.breaches = _breaches(hard, now, language)

    step("closed and open")
    closed = list(
        Clock.objects.filter(ticket__organisation=organisation, metric="resolution", stopped_at__gte=start,
                             stopped_at__lt=end, ticket__status__in=("resolved", "closed"))
        .select_related("ticket__contact")
    )
    report.closed = len(closed)
    report.resolution = reporting.durations(c.stopped_at - c.ticket.received_at for c in closed)
    report.resolution_by_priority = [
        (report.priority_label(level), reporting.durations(c.stopped_at - c.ticket.received_at for c in closed if c.ticket.priority == level))
        for level in levels
        if any(c.ticket.priority == level for c in closed)
    ]
    open_received = list(
        Ticket.objects.filter(organisation=organisation, received_at__lt=as_of)
        .filter(Q(status__in=OPEN_STATUSES) | Q(clocks__metric="resolution", clocks__stopped_at__gte=as_of))
        .distinct().values_list("received_at", flat=True)
    )
    report.open_count = len(open_received)
    report.aging = reporting.aging(open_received, as_of)
    report.workload = _workload(period, tickets, closed)
    report.tickets = _ticket_rows(tickets, clocks, closed, report, language)

    step("time")
    report.time = _time_spent(organisation, start, end)
    step("satisfaction")
    report.satisfaction = satisfaction(organisation, start, end)
    if scenario is not None:
        step("what-if")
        report.whatif = replay(clocks, scenario, now, levels)
    report.label_rows()
    return report


#: The core's period refusals (``core.reporting.PeriodError``) as people read them.
PERIOD_ERRORS = {
    "period": gettext_lazy("%(text)r is not a period like 2026Q3, 2026-07 or 2026"),
    "period_year": gettext_lazy("%(text)r: the year must lie between %(first)s and %(last)s"),
    "period_month": gettext_lazy("%(text)r: month %(month)s does not exist"),
}


def period_error_words(error: reporting.PeriodError) -> str:
    """Why a period is refused, in the active language."""
    return str(PERIOD_ERRORS[error.code]) % error.params if error.code in PERIOD_ERRORS else str(error)


def _breaches(clocks: list[Clock], now: datetime, language: str) -> list[Breach]:
    result = []
    for c in clocks:
        record = ClockRecord(c.ticket.priority, c.metric, c.due_at, c.stopped_at)
        if reporting.outcome(record, now) != "missed":
            continue
        late = ""
        if c.calendar and c.ticket.agreement_id:
            calendar = calendar_for(c.ticket.agreement.catalog, c.calendar, language)
            late = span_words(calendar.elapsed_seconds(epoch(c.due_at), epoch(c.stopped_at or now)), language)
        result.append(Breach(c.ticket.pk, c.ticket.subject, c.ticket.priority, c.metric, c.due_at, c.stopped_at,
                             late, explain(c, language)))
    return sorted(result, key=lambda b: (b.due, b.number, b.metric))


def _ticket_rows(tickets: list[Ticket], clocks: list[Clock], closed: list[Clock], report: Report, language: str) -> list[TicketRow]:
    """Seed 003 (Elite reviews): which tickets were opened and closed, by whom."""
    resolved = {c.ticket_id: c.stopped_at for c in clocks if c.metric == "resolution" and c.ticket.status in ("resolved", "closed")}
    resolved.update({c.ticket_id: c.stopped_at for c in closed})
    rows = {t.pk: t for t in tickets}
    rows.update({c.ticket_id: c.ticket for c in closed})
    return [
        TicketRow(t.pk, t.subject, t.contact.name if t.contact_id else (t.reporter_email or "—"), kind_label(t.kind, language),
                  report.priority_label(t.priority), t.received_at, resolved.get(t.pk))
        for t in sorted(rows.values(), key=lambda t: (t.received_at, t.pk))
    ]


def _workload(period: Period, tickets: list[Ticket], closed: list[Clock]) -> list[tuple[str, int, int]]:
    zone = _zone()
    opened = Counter(t.received_at.astimezone(zone).strftime("%Y-%m") for t in tickets)
    done = Counter(c.stopped_at.astimezone(zone).strftime("%Y-%m") for c in closed)
    return [(m.strftime("%Y-%m"), opened[m.strftime("%Y-%m")], done[m.strftime("%Y-%m")]) for m in period.months()]


def _time_spent(organisation: Organisation, start: datetime, end: datetime) -> TimeSpent:
    entries = TimeEntry.objects.filter(ticket__organisation=organisation, started_at__gte=start, started_at__lt=end)
    sums = {
        billable: row
        for row in entries.values("billable").annotate(minutes=Sum("minutes"), billed=Sum("billed_minutes"), amount=Sum("amount"))
        for billable in [row["billable"]]
    }
    covered, billable = sums.get(False, {}), sums.get(True, {})
    agreement = organisation.agreements.select_related("catalog").order_by("-starts_on", "id").first()
    return TimeSpent(
        currency=agreement.catalog.parsed().currency if agreement else "",
        covered_minutes=covered.get("minutes") or 0,
        billable_minutes=billable.get("minutes") or 0,
        billed_minutes=billable.get("billed") or 0,
        amount=f"{billable.get('amount') or 0:.2f}",
    )
