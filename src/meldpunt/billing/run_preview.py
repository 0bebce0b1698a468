"""What the monthly invoice run would issue, without issuing it (issue 21 item 5): per
organisation the lines, the hours and the amounts, computed by the same code as the run
(:func:`meldpunt.billing.services.run_groups`, ``fee_drafts``, the core's ``time_line``),
so the preview and the invoices cannot disagree. It writes and locks nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from meldpunt.billing.models import TimeEntry
from meldpunt.billing.services import fee_drafts, missing_profile, run_groups, unbilled_time
from meldpunt.contracts.models import Agreement, Organisation
from meldpunt.core.billing import Month, Session, time_line, totals


@dataclass
class PreviewRow:
    organisation: Organisation
    vendor: str
    currency: str
    lines: int
    minutes: int  # billed (rounded) minutes of the time lines
    net: Decimal
    vat: Decimal
    total: Decimal

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


@dataclass
class Preview:
    month: Month
    ended: bool  # False: the month has not ended on ``today``; issuing needs a reason
    rows: list[PreviewRow] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)  # vendor -> what its profile lacks

    def totals(self) -> list[tuple[str, int, Decimal, Decimal, Decimal, Decimal]]:
        """Per currency: lines, hours, net, VAT, total."""
        sums: dict[str, list] = defaultdict(lambda: [0, 0, Decimal("0"), Decimal("0"), Decimal("0")])
        for row in self.rows:
            acc = sums[row.currency]
            acc[0] += row.lines
            acc[1] += row.minutes
            acc[2] += row.net
            acc[3] += row.vat
            acc[4] += row.total
        return [(currency, s[0], (Decimal(s[1]) / 60).quantize(Decimal("0.01")), s[2], s[3], s[4])
                for currency, s in sorted(sums.items())]


def preview_month(month: Month | str, *, today: date | None = None) -> Preview:
    month = Month.parse(month) if isinstance(month, str) else month
    today = today or timezone.localdate()
    result = Preview(month, ended=today > month.last)
    for (organisation_id, vendor, currency), group in run_groups(month).items():
        row = _row(month, organisation_id, vendor, currency, group["agreements"], sorted(group["tickets"]))
        if row is not None:
            result.rows.append(row)
    for vendor in sorted({row.vendor for row in result.rows}):
        missing = missing_profile(vendor)
        if missing:
            result.missing[vendor] = missing
    result.rows.sort(key=lambda r: (r.organisation.name.lower(), r.vendor))
    return result


def _row(month: Month, organisation_id: int, vendor: str, currency: str, agreement_ids: list[int],
         ticket_ids: list[int]) -> PreviewRow | None:
    organisation = Organisation.objects.get(pk=organisation_id)
    agreements = list(Agreement.objects.filter(pk__in=agreement_ids).select_related("catalog")
                      .prefetch_related("addons").order_by("code"))
    amounts: list[Decimal] = []
    for agreement in agreements:
        amounts += [draft.amount for draft, _revision in fee_drafts(agreement, month)]
    minutes = 0
    entries = unbilled_time(month).filter(ticket_id__in=ticket_ids).select_related("ticket__agreement__catalog")
    by_ticket_rate: dict[tuple, list[TimeEntry]] = defaultdict(list)
    for entry in entries.order_by("ticket_id", "id"):
        by_ticket_rate[(entry.ticket_id, entry.rate)].append(entry)
    last_ticket_agreement = None
    for group in by_ticket_rate.values():
        ticket = group[0].ticket
        draft = time_line(ticket.number, ticket.subject, [Session(e.pk, e.minutes, e.billed_minutes, e.rate, e.amount)
                                                          for e in group])
        amounts.append(draft.amount)
        minutes += sum(e.billed_minutes for e in group)
        last_ticket_agreement = ticket.agreement
    vat_agreement = agreements[0] if agreements else last_ticket_agreement  # as the run takes it
    if not amounts or vat_agreement is None:
        return None
    sums = totals(amounts, vat_agreement.catalog.parsed().vat_rate)
    return PreviewRow(organisation, vendor, currency, len(amounts), minutes, sums.net, sums.vat, sums.gross)
