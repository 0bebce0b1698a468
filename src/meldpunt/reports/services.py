"""Mail evaluation reports to coordinators (seed 004 step 4: periodic evaluation).

Each organisation's report of a period goes once to its coordinator as a PDF, in the
coordinator's language; the delivery row (unique per organisation and period) makes a
second run of the same quarter send nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from meldpunt.contracts.models import Agreement, Contact, Organisation
from meldpunt.core.reporting import Period
from meldpunt.core.vocabulary import supported_language
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
    """Send the period's report to the coordinator once; returns the address, or None.

    The PDF is rendered outside the transaction (no write lock held while drawing); the
    delivery row and the send share one, so a failed send leaves no row and is retried.
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
    mail = EmailMessage(subject, body, getattr(settings, "MELDPUNT_MAIL_FROM", "support@meldpunt.test"), [coordinator.email])
    mail.attach(filename(report), render_report_pdf(report), "application/pdf")
    try:
        with transaction.atomic():
            ReportDelivery.objects.create(organisation=organisation, period=str(period), sent_to=coordinator.email)
            mailers.default.send_messages([mail])
    except IntegrityError:
        return None  # a concurrent run sent it
    return coordinator.email


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
        except Exception as exc:  # SMTP down …: the others still go; this one is retried next run
            result.failed.append(f"{organisation.name}: {type(exc).__name__}: {exc}")
            continue
        (result.sent if address else result.skipped).append(organisation.name)
    return result
