"""Warnings and breaches of running SLA clocks, found through the indexed due column.

A warning point is reached when the business time left until due is at most its lead
(``80%`` of an 8-hour target leaves 96 business minutes; ``30m`` leaves 30). For a running
clock the business time left is measured from now to its due moment on the clock's own
calendar, so pauses in the past need no replay. That turns every point into a range of
``due_at``: the clocks that reached lead L between two scans are those with ``due_at`` in
``(cal.add(since, L), cal.add(now, L)]``. A breach step ``after`` A is the mirror image:
``due_at`` in ``(cal.sub(since, A), cal.sub(now, A)]``. The scan asks the database only for
those ranges (the ``clock_state_due`` index on (state, due_at)), then checks each candidate
exactly with the core engine, so its cost follows what happened since the last scan, not
how many tickets are open (STYLE.md: let the database find what is due). The business-time
rules (the ranges, the exact check) are pure and live in :mod:`meldpunt.core.alerts`.

A clock whose metric the catalog calls indicative (``[targets] indicative``; ERP.M's
resolution times) gets its warnings but never a breach step.

Each alert row is unique per (clock, kind, point); several workers scanning at once insert
with ON CONFLICT DO NOTHING and notify only for the rows their own scan inserted, so every
warning and every escalation step is told once, in-app and by mail.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from meldpunt.contracts.catalogs import calendar_for
from meldpunt.contracts.models import Agreement, CatalogVersion
from meldpunt.core.alerts import closed_pauses, due_ranges, reached_points
from meldpunt.core.businesstime import Calendar, elapsed_with_pauses, epoch
from meldpunt.core.catalog import Catalog
from meldpunt.core.mailheaders import header_text
from meldpunt.escalation import scan_rows
from meldpunt.escalation.models import ClockAlert, Duty, Notification, ScanMark
from meldpunt.intake import outbox
from meldpunt.intake.models import OutboundMail
from meldpunt.links import absolute_url
from meldpunt.localformat import zoned_moment
from meldpunt.notifications.selectors import settings_for
from meldpunt.notifications.services import tell_sla
from meldpunt.tickets.clocks import clock_calendar
from meldpunt.tickets.models import Clock
from meldpunt.triage import weekends

#: A scan looks this far back before the previous one ended (clock skew, slow commits).
OVERLAP = timedelta(minutes=5)
MARK = "alerts"
ROLE_LABELS = {"assignee": gettext_lazy("assignee"), "team_lead": gettext_lazy("team lead"),
               "support_manager": gettext_lazy("support manager")}


@dataclass
class ScanReport:
    """What one scan did: candidates checked, alerts fired, people told."""

    since: datetime | None
    until: datetime
    candidates: int = 0
    alerts: int = 0
    notifications: int = 0
    mails: list[OutboundMail] = field(default_factory=list)
    queries: int = 0

    def as_dict(self) -> dict:
        return {"since": self.since.isoformat() if self.since else None, "until": self.until.isoformat(),
                "candidates": self.candidates, "alerts": self.alerts, "notifications": self.notifications}


# ------------------------------------------------------------------- ranges
def _targets_of(version: CatalogVersion, catalog: Catalog) -> set[str]:
    """Every target text a clock under this catalog version can carry (catalog + agreement overrides)."""
    texts: set[str] = set()
    for source in [*catalog.packages.values(), *catalog.addons.values()]:
        for rule in source.targets:
            texts |= {str(t) for t in (rule.response, rule.resolution) if t is not None}
    for overrides in Agreement.objects.filter(catalog=version).values_list("target_overrides", flat=True):
        for item in overrides or []:
            if isinstance(item, dict):
                texts |= {str(item[m]) for m in ("response", "resolution") if item.get(m)}
    return texts


def _as_dt(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


# --------------------------------------------------------------------- scan
def scan_alerts(*, now: datetime | None = None, full: bool = False) -> ScanReport:
    """Fire the warnings and breach steps reached since the last scan (``full``: all of them).

    One scan at a time holds the scan mark; a second worker waits for it and then looks only
    at what happened since. Alerts, notifications and staff mail (in the one outbox) are
    written in one transaction; the outbox's task sends the mail after the commit.
    """
    now = now or timezone.now()
    token = secrets.token_hex(8)
    with transaction.atomic():
        mark, created = ScanMark.objects.select_for_update().get_or_create(name=MARK, defaults={"scanned_until": now})
        since = None if (full or created) else min(mark.scanned_until, now) - OVERLAP
        report = ScanReport(since=since, until=now)
        fired = _fire(token, since, now, report)
        if fired:
            _notify(token, report)
        mark.scanned_until = max(mark.scanned_until, now)
        mark.save(update_fields=["scanned_until"])
        outbox.send_after_commit(report.mails)
    return report


def _fire(token: str, since: datetime | None, now: datetime, report: ScanReport) -> int:
    alerts: list[ClockAlert] = []
    for version in CatalogVersion.objects.all():
        catalog = version.parsed()
        policy = catalog.escalation
        if not policy.warnings and not policy.chain:
            continue
        targets = _targets_of(version, catalog)
        special = weekends.window_clocks(version, now)  # clocks with a booked weekend's hours on their calendar
        for calendar_id in catalog.calendars:
            calendar = calendar_for(version, calendar_id)
            ranges = due_ranges(calendar, policy, targets, since, now)
            if not ranges:
                continue
            rows = scan_rows.candidates(catalog_id=version.pk, calendar=calendar_id, metrics=policy.metrics,
                                        ranges=[(_as_dt(lo), _as_dt(hi)) for lo, hi in ranges])
            report.queries += 1
            report.candidates += len(rows)
            for row in rows:
                if row.pk in special:
                    continue
                for kind, point in reached_points(calendar, policy, started=row.started_at, due=row.due_at,
                                                  pauses=row.pauses, now=now):
                    # An indicative time (seed 004) is never a breach: its warnings still remind
                    # the assignee, but no step of the escalation chain fires.
                    if row.indicative and kind == "breach":
                        continue
                    if (kind, point) not in row.known:
                        alerts.append(ClockAlert(clock_id=row.pk, kind=kind, point=point, due_at=row.due_at, scan=token))
        alerts += _special_alerts(special, policy, token, now, report)
    ClockAlert.objects.bulk_create(alerts, batch_size=1000, ignore_conflicts=True)
    report.alerts = ClockAlert.objects.filter(scan=token).count() if alerts else 0
    return report.alerts


def _special_alerts(special: dict, policy, token: str, now: datetime, report: ScanReport) -> list[ClockAlert]:
    """The points reached by clocks whose calendar a hook changed (a special-event weekend's
    hours): few, so each is checked exactly on its own calendar at every scan."""
    if not special:
        return []
    rows = list(Clock.objects.filter(pk__in=list(special), state="running", metric__in=policy.metrics,
                                     due_at__isnull=False).values_list("pk", "started_at", "due_at", "pauses", "indicative"))
    report.queries += 1
    report.candidates += len(rows)
    known = set(ClockAlert.objects.filter(clock_id__in=[r[0] for r in rows]).values_list("clock_id", "kind", "point"))
    return [ClockAlert(clock_id=pk, kind=kind, point=point, due_at=due, scan=token)
            for pk, started, due, pauses, indicative in rows
            for kind, point in reached_points(special[pk], policy, started=started, due=due, pauses=pauses, now=now)
            if (pk, kind, point) not in known and not (indicative and kind == "breach")]


# ------------------------------------------------------------------- notify
def _staff_for(vendor: str, role: str, assignee, duties: dict) -> list:
    """Who hears of an alert for ``role``; ``duties`` keeps the scan's lookups per (vendor, role)."""
    if role == "assignee":
        if assignee is not None and assignee.is_active:
            return [assignee]
        role = "team_lead"  # nobody assigned: the team lead hears of it instead
    if (vendor, role) not in duties:
        duties[vendor, role] = [d.user for d in Duty.objects.filter(vendor=vendor, role=role, user__is_active=True)
                                .select_related("user")]
    return duties[vendor, role]


def _text(alert: ClockAlert, role: str, zone_calendar: Calendar | None) -> str:
    clock = alert.clock
    ticket = clock.ticket
    due = alert.due_at.astimezone(zone_calendar.zone) if zone_calendar else timezone.localtime(alert.due_at)
    metric = _("response") if clock.metric == "response" else _("resolution")
    values = {"number": ticket.pk, "subject": header_text(ticket.subject, 120), "metric": metric,
              "due": zoned_moment(due), "point": alert.point, "role": ROLE_LABELS[role]}
    if alert.kind == "warning":
        return _("Ticket #%(number)s %(subject)s: %(metric)s due %(due)s (warning point %(point)s)") % values
    return _("Ticket #%(number)s %(subject)s: %(metric)s target breached, due %(due)s; escalated to you as %(role)s") % values


def _notify(token: str, report: ScanReport) -> None:
    """Tell the right people of the alerts this scan inserted: the latest warning point per
    clock (earlier points reached in the same scan are recorded, not told) and each breach step."""
    fired = list(
        ClockAlert.objects.filter(scan=token)
        .select_related("clock__ticket__assignee", "clock__ticket__agreement__catalog")
        .prefetch_related(Prefetch("clock__ticket__agreement__addons", to_attr="loaded_addons"))
    )  # one query for every agreement's add-ons (the clocks' calendars need them), not one per clock
    by_clock: dict[int, list[ClockAlert]] = defaultdict(list)
    for alert in fired:
        by_clock[alert.clock_id].append(alert)
    notifications: list[Notification] = []
    mails: list[tuple[Notification, str]] = []
    agent_notes: list[tuple] = []  # (user, ticket, text): the agent's own notifications app
    chosen: dict = {}  # user id → their notification settings
    duties: dict = {}  # (vendor, role) → staff on that duty
    calendars: dict = {}  # (catalog version, calendar id) → its calendar, read once per scan
    with override(settings.LANGUAGE_CODE):
        for alerts in by_clock.values():
            warnings = [a for a in alerts if a.kind == "warning"]
            told = [a for a in alerts if a.kind == "breach"]
            if warnings:
                told.append(_latest(warnings))
            for alert in told:
                ticket = alert.clock.ticket
                version = ticket.agreement.catalog
                policy = version.parsed().escalation
                calendar = None
                if alert.clock.calendar:
                    key = (version.pk, alert.clock.calendar)
                    if key not in calendars:
                        calendars[key] = calendar_for(version, alert.clock.calendar)
                    calendar = calendars[key]
                roles = policy.warn_roles if alert.kind == "warning" else (alert.point.split("+")[0],)
                seen: set[int] = set()
                for role in roles:
                    for user in _staff_for(version.vendor, role, ticket.assignee, duties):
                        if user.pk in seen:
                            continue
                        seen.add(user.pk)
                        # In the agent's language, by mail only when they chose so (their
                        # notification settings, meldpunt.notifications).
                        if user.pk not in chosen:
                            chosen.update(settings_for([user]))
                        with override(chosen[user.pk].language):
                            text = _text(alert, role, calendar)[:400]
                        note = Notification(user=user, ticket=ticket, alert=alert, role=role, text=text)
                        notifications.append(note)
                        agent_notes.append((user, ticket, text))
                        if user.email and "sla" in chosen[user.pk].by_mail:
                            mails.append((note, user.email))
    Notification.objects.bulk_create(notifications, batch_size=1000)
    tell_sla(agent_notes, chosen)
    report.notifications = len(notifications)
    # The ticket's subject is in the text: made one safe header line before the row is
    # written (by the outbox), so a subject with a line break cannot make the mail fail on
    # every retry. The dedupe key is unique: a notification is mailed once.
    rows = [
        outbox.message_row("staff_alert", to=to, subject=note.text, body=f"{note.text}\n\n{absolute_url(reverse('console:ticket', args=[note.ticket_id]))}\n",
                           user=note.user, about=note, dedupe_key=f"notification:{note.pk}", tag="staff")
        for note, to in mails
    ]
    report.mails = OutboundMail.objects.bulk_create([row for row in rows if row is not None], batch_size=1000)


def _latest(warnings: list[ClockAlert]) -> ClockAlert:
    """The most advanced of the warnings one clock reached in one scan (least time left)."""
    clock = warnings[0].clock
    version = clock.ticket.agreement.catalog
    points = {p.key: p for p in version.parsed().escalation.warnings}
    calendar = clock_calendar(clock.ticket) or calendar_for(version, clock.calendar)  # a booked weekend's hours too
    total = elapsed_with_pauses(calendar, epoch(clock.started_at), epoch(clock.due_at), closed_pauses(clock.pauses))
    return min(warnings, key=lambda a: points[a.point].lead_seconds(total) if a.point in points else 0)


def unread_notifications(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, read_at__isnull=True).select_related("ticket")[:100])


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
