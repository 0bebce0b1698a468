"""Bridge from stored catalog versions to the pure core: parsed catalogs and calendars.

Caches are keyed by content (catalog digest, closed days), never by row id alone, so a
process never serves a stale calendar after a vendor edits closed days elsewhere.
"""

from __future__ import annotations

from functools import cache, lru_cache

from meldpunt.contracts.models import ClosedDay
from meldpunt.contracts.parsing import parsed_catalog
from meldpunt.core.businesstime import Calendar
from meldpunt.core.calendars import build_calendar
from meldpunt.prepared import PreparedQuery


@lru_cache(maxsize=128)
def _calendar(digest: str, source: str, vendor: str, calendar_id: str, closed: tuple, language: str) -> Calendar:
    catalog = parsed_catalog(digest, source, f"{vendor}.toml")
    return build_calendar(catalog.calendar(calendar_id), dict(closed), language)


@cache
def _closed_days() -> PreparedQuery:
    """A calendar's closed days as (date, reason), compiled once (every new ticket reads them)."""
    return PreparedQuery(
        lambda vendor, calendar: ClosedDay.objects.filter(vendor=vendor, calendar=calendar)
        .order_by("date").values_list("date", "reason"),
        vendor=str, calendar=str,
    )


def calendar_for(version, calendar_id: str, language: str = "en") -> Calendar:
    """The business-time calendar ``calendar_id`` of a stored catalog version, closed days included."""
    closed = tuple(_closed_days().all(vendor=version.vendor, calendar=calendar_id))
    return _calendar(version.digest, version.source, version.vendor, calendar_id, closed, language)
