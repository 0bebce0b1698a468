"""The special-event weekend (catalog ``[special_weekend]``; Infor Xtreme Elite, seed 003).

Booking: as many weekends per agreement year as the catalog says, requested at least its
notice ahead, not carried over; a staff member approves with an assigned engineer (Infor:
"De medewerker wordt ingepland via de Customer Success Manager").

Clocks: a request *registered inside* an approved window, of a kind and priority the
catalog's weekend covers and about a standard product when it says so, runs on the
package's normal calendar plus the window's staffed hours (:mod:`meldpunt.core.special_weekend`).
When the window closes, what is left continues on the normal calendar; requests registered
before or after it are not touched. The weekend's support language is the catalog's (Infor:
English); the customer's interface stays in their own language.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt.contracts.models import Agreement
from meldpunt.core.coverage import check_weekend
from meldpunt.core.special_weekend import WeekendRule, in_window
from meldpunt.localformat import zoned_moment
from meldpunt.tickets.clocks import clock_calendar, recompute_clocks
from meldpunt.tickets.models import OPEN_STATUSES, Ticket
from meldpunt.triage.models import Assessment, SpecialWeekend
from meldpunt.triage.reason_words import reason_words
from meldpunt.triage.services import TriageError, terms_of
from meldpunt.triage.weekend_words import weekend_summary

STANDING = ("requested", "approved")


def rule_of(agreement: Agreement) -> WeekendRule | None:
    """The agreement's catalog's weekend rule (None: its vendor offers none)."""
    return agreement.catalog.parsed().special_weekend


def weekend_reasons(agreement: Agreement, saturday: date, language: str = "en", today: date | None = None) -> list[str]:
    """Why a weekend starting ``saturday`` (the window's first day) cannot be booked."""
    rule = rule_of(agreement)
    booked = list(agreement.special_weekends.filter(state__in=STANDING).values_list("saturday", flat=True))
    entitled = rule is not None and rule.entitlement in terms_of(agreement).entitlements
    rule = rule or WeekendRule()
    try:
        last_day = rule.window(saturday)[1].date()
    except OverflowError:  # a date at the end of time: refused as out of range below
        last_day = saturday
    reasons = check_weekend(
        entitled=entitled, saturday=saturday, today=today or timezone.localdate(),
        starts_on=agreement.starts_on, ends_on=agreement.ends_on, booked=booked, notice_days=rule.notice_days,
        start_day=rule.start_day, last_day=last_day, per_year=rule.per_year,
        granted_by=rule.granted_by,
    )
    return [reason_words(r, language) for r in reasons]


@transaction.atomic
def request_weekend(agreement: Agreement, *, saturday: date, by=None, purpose: str = "", language: str = "en") -> SpecialWeekend:
    """Refused with every reason when the rules say no (refusals say why)."""
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()  # one booking at a time
    reasons = weekend_reasons(agreement, saturday, language)
    if reasons:
        raise TriageError("; ".join(reasons))
    return SpecialWeekend.objects.create(agreement=agreement, saturday=saturday, requested_by=by, purpose=purpose.strip()[:300])


def window_of(weekend: SpecialWeekend) -> tuple[datetime, datetime] | None:
    """When the booked weekend starts and ends (None: the catalog has no weekend any more)."""
    rule = rule_of(weekend.agreement)
    return rule.window(weekend.saturday) if rule else None


def covered_text(agreement: Agreement, language: str = "en") -> str:
    """What the weekend covers, in the customer's language (the support language is named in it)."""
    rule = rule_of(agreement)
    return weekend_summary(rule, language, agreement.catalog.parsed().priority) if rule else ""


def _recompute_window(weekend: SpecialWeekend) -> None:
    window = window_of(weekend)
    if window is None:
        return
    for ticket in Ticket.objects.filter(agreement_id=weekend.agreement_id, status__in=OPEN_STATUSES,
                                        received_at__gte=window[0], received_at__lt=window[1]):
        recompute_clocks(ticket)


@transaction.atomic
def approve_weekend(weekend: SpecialWeekend, *, engineer, actor=None) -> SpecialWeekend:
    """An engineer is planned for the weekend; clocks of requests registered in it get its hours."""
    weekend = SpecialWeekend.objects.select_for_update().get(pk=weekend.pk)
    if weekend.state != "requested":
        raise TriageError(_("this weekend is %(state)s, not waiting for approval") % {"state": weekend.get_state_display().lower()})
    if engineer is None or not engineer.is_staff:
        raise TriageError(_("engineer: assign a support engineer for the weekend"))
    weekend.state, weekend.engineer, weekend.decided_at = "approved", engineer, timezone.now()
    weekend.save(update_fields=["state", "engineer", "decided_at"])
    _recompute_window(weekend)
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


def _scope(ticket: Ticket) -> str:
    if ticket.pk is None:
        return ""
    return Assessment.objects.filter(ticket_id=ticket.pk).values_list("area_scope", flat=True).first() or ""


def weekend_claims(version, rows) -> set[int]:
    """Bulk-recompute hook (tickets.recompute): of ``rows`` ((ticket id, received epoch), ...)
    on catalog ``version``, the tickets registered inside an approved weekend of their agreement."""
    rule: WeekendRule | None = version.parsed().special_weekend
    if rule is None or not rows:
        return set()
    windows: dict[int, list[tuple[int, int]]] = {}
    for agreement_id, first in SpecialWeekend.objects.filter(state="approved", agreement__catalog=version).values_list(
            "agreement_id", "saturday"):
        start, end = rule.window(first)
        windows.setdefault(agreement_id, []).append((int(start.timestamp()), int(end.timestamp())))
    spans = [span for spans in windows.values() for span in spans]
    inside = [ticket_id for ticket_id, received in rows if any(a <= received < b for a, b in spans)]
    claimed = set()
    for start in range(0, len(inside), 500):
        for ticket_id, agreement_id, received in Ticket.objects.filter(pk__in=inside[start:start + 500]).values_list(
                "pk", "agreement_id", "received_at"):
            moment = int(received.timestamp())
            if any(a <= moment < b for a, b in windows.get(agreement_id, ())):
                claimed.add(ticket_id)
    return claimed


def window_clocks(version, now: datetime | None = None) -> dict:
    """Escalation: the running clocks of open requests registered inside an approved weekend
    on catalog ``version`` (started by ``now``), each with the calendar it runs on."""
    rule: WeekendRule | None = version.parsed().special_weekend
    if rule is None:
        return {}
    inside = Q()
    for agreement_id, first in SpecialWeekend.objects.filter(
            state="approved", agreement__catalog=version,
            saturday__lte=timezone.localdate(now) if now else timezone.localdate()).values_list(
            "agreement_id", "saturday"):
        start, end = rule.window(first)
        inside |= Q(agreement_id=agreement_id, received_at__gte=start, received_at__lt=end)
    if not inside:
        return {}
    result = {}
    for ticket in Ticket.objects.filter(inside, status__in=OPEN_STATUSES).select_related("agreement__catalog"):
        calendar = clock_calendar(ticket)
        for pk in ticket.clocks.filter(state="running").values_list("pk", flat=True):
            result[pk] = calendar
    return result


def weekend_calendar(ticket: Ticket, catalog, language: str = "en"):
    """Calendar hook (tickets.clocks): a request registered inside an approved window that the
    weekend covers runs on its normal calendar plus the window's staffed hours."""
    rule: WeekendRule | None = catalog.special_weekend
    if rule is None or ticket.agreement_id is None or not ticket.priority:
        return None
    candidates = rule.first_days_around(ticket.received_at)
    if not candidates:
        return None
    agreement = ticket.agreement
    try:
        addons = agreement.addon_ids()
        if rule.entitlement not in catalog.entitlements(agreement.package, addons):
            return None
    except KeyError:
        return None
    approved = list(SpecialWeekend.objects.filter(agreement_id=agreement.pk, state="approved",
                                                  saturday__in=candidates).values_list("saturday", flat=True))
    first = in_window(rule, sorted(approved, reverse=True), ticket.received_at)
    if first is None:
        return None
    text = "\n".join((ticket.product, ticket.subject, ticket.description))
    if rule.misses(kind=ticket.kind, priority=ticket.priority, text=text, scope=_scope(ticket)):
        return None
    base = catalog.calendar_for(agreement.package, addons, ticket.kind, ticket.priority).id
    start, end = rule.window(first)
    with translation.override(language):
        why = _("Special-event weekend %(start)s – %(end)s: every staffed hour inside the weekend counts; "
                "after it the clock continues on the normal calendar") % {
            "start": zoned_moment(start, language), "end": zoned_moment(end, language)}
    return base, why, tuple(sorted(rule.open_hours(first).items()))


# ------------------------------------------------------------------ what the customer is told
def offer_text(agreement: Agreement, language: str = "en") -> str:
    """The booking terms and what is covered, for the portal and the booking confirmation."""
    rule = rule_of(agreement)
    if rule is None or rule.entitlement not in terms_of(agreement).entitlements:
        return ""
    terms = (_("%(count)s per agreement year, requested at least %(days)s days ahead; an unused weekend is not "
               "carried over to the next year.") % {"count": rule.per_year, "days": rule.notice_days})
    return f"{weekend_summary(rule, language, agreement.catalog.parsed().priority)} {terms}"


def weekend_rows(weekends, language: str = "en") -> list[dict]:
    """Each weekend with its window and what it covers, in ``language``."""
    rows = []
    for weekend in weekends:
        rule = rule_of(weekend.agreement)
        window = rule.window(weekend.saturday) if rule else None
        rows.append({
            "weekend": weekend,
            "starts": window[0] if window else None, "ends": window[1] if window else None,
            "covers": weekend_summary(rule, language, weekend.agreement.catalog.parsed().priority) if rule else "",
            "support_language": rule.language if rule else None,
        })
    return rows
