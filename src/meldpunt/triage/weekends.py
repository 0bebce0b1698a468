"""Seed 003 (Xtreme Elite): one special-event weekend per agreement year, requested at least
two weeks ahead, not carried over; on that weekend incidents of all urgencies run on the
catalog's ``weekend_calendar`` (24×7) with an assigned engineer."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Agreement
from meldpunt.core.coverage import check_weekend
from meldpunt.tickets.clocks import recompute_clocks
from meldpunt.tickets.models import OPEN_STATUSES, Ticket
from meldpunt.triage.models import SpecialWeekend
from meldpunt.triage.services import TriageError, terms_of

STANDING = ("requested", "approved")


def weekend_reasons(agreement: Agreement, saturday: date, language: str = "en", today: date | None = None) -> list[str]:
    rules = agreement.catalog.parsed().coverage
    booked = list(agreement.special_weekends.filter(state__in=STANDING).values_list("saturday", flat=True))
    reasons = check_weekend(
        entitled="special_event_weekend" in terms_of(agreement).entitlements, saturday=saturday,
        today=today or timezone.localdate(), starts_on=agreement.starts_on, ends_on=agreement.ends_on,
        booked=booked, notice_days=rules.weekend_notice_days,
    )
    return [r.text(language) for r in reasons]


@transaction.atomic
def request_weekend(agreement: Agreement, *, saturday: date, by=None, purpose: str = "", language: str = "en") -> SpecialWeekend:
    """Refused with every reason when the rules say no (seed 003: refusals say why)."""
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()  # one booking at a time
    reasons = weekend_reasons(agreement, saturday, language)
    if reasons:
        raise TriageError("; ".join(reasons))
    return SpecialWeekend.objects.create(agreement=agreement, saturday=saturday, requested_by=by, purpose=purpose.strip()[:300])


def _window(saturday: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(saturday, time(0), tzinfo=zone)
    return start, datetime.combine(saturday + timedelta(days=2), time(0), tzinfo=zone)


@transaction.atomic
def approve_weekend(weekend: SpecialWeekend, *, engineer, actor=None) -> SpecialWeekend:
    """The customer success manager plans an engineer; clocks of that weekend move to 24×7."""
    weekend = SpecialWeekend.objects.select_for_update().get(pk=weekend.pk)
    if weekend.state != "requested":
        raise TriageError(_("this weekend is %(state)s, not waiting for approval") % {"state": weekend.get_state_display().lower()})
    if engineer is None or not engineer.is_staff:
        raise TriageError(_("engineer: assign a support engineer for the weekend"))
    weekend.state, weekend.engineer, weekend.decided_at = "approved", engineer, timezone.now()
    weekend.save(update_fields=["state", "engineer", "decided_at"])
    start, end = _window(weekend.saturday)
    for ticket in Ticket.objects.filter(agreement_id=weekend.agreement_id, status__in=OPEN_STATUSES,
                                        received_at__gte=start, received_at__lt=end):
        recompute_clocks(ticket)
    return weekend


@transaction.atomic
def refuse_weekend(weekend: SpecialWeekend, *, reason: str, actor=None) -> SpecialWeekend:
    weekend = SpecialWeekend.objects.select_for_update().get(pk=weekend.pk)
    if weekend.state != "requested":
        raise TriageError(_("this weekend is %(state)s, not waiting for a decision") % {"state": weekend.get_state_display().lower()})
    if not reason.strip():
        raise TriageError(_("reason: say why the weekend is refused"))
    weekend.state, weekend.reason, weekend.decided_at = "refused", reason.strip()[:500], timezone.now()
    weekend.save(update_fields=["state", "reason", "decided_at"])
    return weekend


def weekend_calendar(ticket: Ticket, catalog, language: str = "en"):
    """Calendar hook (tickets.clocks): an incident received on an approved weekend runs on the
    weekend calendar, whatever its urgency."""
    calendar = catalog.coverage.weekend_calendar
    if not calendar or ticket.kind != "incident" or ticket.agreement_id is None:
        return None
    local = timezone.localtime(ticket.received_at)
    if local.weekday() < 5:
        return None
    agreement = ticket.agreement
    try:
        if "special_event_weekend" not in catalog.entitlements(agreement.package, agreement.addon_ids()):
            return None
    except KeyError:
        return None
    saturday = local.date() - timedelta(days=local.weekday() - 5)
    if not SpecialWeekend.objects.filter(agreement_id=agreement.pk, state="approved", saturday=saturday).exists():
        return None
    why = (f"Weekend voor speciale gebeurtenissen {saturday.isoformat()}: alle urgenties op de kalender {calendar}"
           if language == "nl" else
           f"Special-event weekend {saturday.isoformat()}: all urgencies on the {calendar} calendar")
    return calendar, why
