"""Reading ratings: one organisation's figures for a period (the evaluation report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from meldpunt.satisfaction.models import Rating


@dataclass
class Satisfaction:
    good: int = 0
    bad: int = 0
    comments: list[tuple[int, str, str, datetime]] = field(default_factory=list)  # number, score, comment, at

    @property
    def total(self) -> int:
        return self.good + self.bad

    @property
    def percent_good(self) -> float | None:
        """Share of good ratings, or None when nobody rated (not 0 %: nothing was measured)."""
        return round(100 * self.good / self.total, 1) if self.total else None


def ratings_for(ticket_ids) -> dict[int, Rating]:
    return {r.ticket_id: r for r in Rating.objects.filter(ticket_id__in=ticket_ids)}


def satisfaction(organisation, start: datetime, end: datetime) -> Satisfaction:
    """Ratings of ``organisation``'s requests given (or last changed) in [start, end)."""
    rows = list(Rating.objects.filter(ticket__organisation=organisation, changed_at__gte=start, changed_at__lt=end)
                .order_by("changed_at", "id").values_list("ticket_id", "score", "comment", "changed_at"))
    result = Satisfaction(good=sum(r[1] == "good" for r in rows), bad=sum(r[1] == "bad" for r in rows))
    result.comments = [row for row in rows if row[2]]
    return result
