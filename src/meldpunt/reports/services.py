"""Mail evaluation reports to coordinators (seed 004 step 4: periodic evaluation).

Each organisation's report of a period goes once to its coordinator as a PDF, in the
coordinator's language, through the outbox (sent after the commit, retried when the send
fails); the delivery row (unique per organisation and period) makes a second run of the
same quarter send nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from meldpunt.contracts.models import Agreement, Contact, Organisation
from meldpunt.core.reporting import Period
from meldpunt.core.vocabulary import supported_language
from meldpunt.intake import outbox
from meldpunt.reports.build import build_report
from meldpunt.reports.models import ReportDelivery
from meldpunt.reports.pdf import filename, render_report_pdf


@dataclass
class MailingResult:
    period: str
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"period": self.period, "sent": self.sent, "skipped": self.skipped, "failed": self.failed}


def coordinator_of(organisation: Organisation, period: Period) -> Contact | None:
    """The coordinator of the organisation's agreement running in the period, else any coordinator."""
    agreement = (
        Agreement.objects.filter(organisation=organisation, coordinator__isnull=False, starts_on__lt=period.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.first))
        .select_related("coordinator").order_by("-starts_on", "id").first()
    )
    if agreement is not None:
        return agreement.coordinator
    return Contact.objects.filter(organisation=organisation, is_coordinator=True).order_by("id").first()


def mail_report(organisation: Organisation, period: Period) -> str | None:
    """Queue the period's report to the coordinator once; returns the address, or None.

    The PDF is rendered outside the transaction (no write lock held while drawing); the
    delivery row and the outbox mail (kind ``report``, the PDF attached) are written in one,
    and the mail is sent by a task after the commit. A failed send stays in the outbox and
    the scheduled retry sends it; the delivery row keeps a second run from mailing twice.
    """
    coordinator = coordinator_of(organisation, period)
    if coordinator is None or not coordinator.email:
        return None
    if ReportDelivery.objects.filter(organisation=organisation, period=str(period)).exists():
        return None
    language = supported_language(coordinator.language)
    report = build_report(organisation, period, language=language)
    with override(language):
        subject = _("Evaluation report %(period)s – %(organisation)s") % {"period": period, "organisation": organisation}
        body = _("Dear %(name)s,\n\nAttached is the evaluation of your support requests in %(period)s: tickets opened and closed, service levels met per priority, open tickets by age and time spent.\n") % {
            "name": coordinator.name, "period": period}
    pdf = (filename(report), render_report_pdf(report), "application/pdf")
    try:
        with transaction.atomic():
            mail = outbox.queue_message("report", to=coordinator.email, subject=subject, body=body,
                                        language=language, vendor=_vendor_of(organisation, period), attachment=pdf)
            if mail is None:
                raise ValueError(f"the coordinator's address {coordinator.email!r} is not one mail address")
            ReportDelivery.objects.create(organisation=organisation, period=str(period), sent_to=mail.to)
            outbox.send_after_commit([mail])
    except IntegrityError:
        return None  # a concurrent run queued it
    return coordinator.email


def _vendor_of(organisation: Organisation, period: Period) -> str:
    """The vendor whose reply address sends the report: that of the organisation's agreement
    in the period (the first one when there are several)."""
    agreement = (
        Agreement.objects.filter(organisation=organisation, starts_on__lt=period.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.first))
        .select_related("catalog").order_by("-starts_on", "id").first()
    )
    return agreement.catalog.vendor if agreement else ""


def mail_quarter(*, period: str | None = None, today: date | None = None) -> MailingResult:
    """Mail every organisation with an agreement running in the quarter its report."""
    chosen = Period.parse(period) if period else Period.quarter_before(today or date.today())
    result = MailingResult(str(chosen))
    organisations = Organisation.objects.filter(
        Q(agreements__ends_on__isnull=True) | Q(agreements__ends_on__gte=chosen.first),
        agreements__starts_on__lt=chosen.end,
    ).distinct().order_by("name")
    for organisation in organisations:
        try:
            address = mail_report(organisation, chosen)
        except Exception as exc:  # a report that cannot be built: the others still go; retried next run
            result.failed.append(f"{organisation.name}: {type(exc).__name__}: {exc}")
            continue
        (result.sent if address else result.skipped).append(organisation.name)
    return result
