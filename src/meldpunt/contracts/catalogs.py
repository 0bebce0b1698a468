"""Bridge from stored catalog versions to the pure core: parsed catalogs and calendars.

Caches are keyed by content (catalog digest, closed days) or by the closed days' revision
stamp, never by row id alone, so a process never serves a stale calendar after a vendor
edits closed days elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.db import connection

from meldpunt.contracts.models import CatalogVersion, ClosedDay, ClosedDaysRevision
from meldpunt.contracts.parsing import parsed_catalog
from meldpunt.core.businesstime import Calendar
from meldpunt.core.calendars import build_calendar
from meldpunt.core.catalog import Catalog


@dataclass(frozen=True)
class StoredCatalog:
    """One stored catalog version, parsed: what a page reads of every catalog at once."""

    pk: int
    vendor: str
    digest: str
    loaded_at: datetime
    catalog: Catalog


def stored_catalogs() -> tuple[StoredCatalog, ...]:
    """Every stored catalog version, parsed; by vendor, newest first (the one reader for
    pages that name the levels or package ranks of all catalogs, e.g. the console queue).

    One query lists the versions without their text; a second reads the text only of the
    versions this process has not parsed yet. Parsed catalogs are kept per process by
    content digest: a stored version never changes (the admin refuses edits; a change is a
    new version), so nothing kept can go stale, and a version another process loads is in
    the very next list. Call it once per request and hand the result on."""
    rows = list(CatalogVersion.objects.order_by("vendor", "-loaded_at", "-id")
                .values_list("pk", "vendor", "digest", "loaded_at"))
    if len(_PARSED) > 256:  # many databases in one process (tests): start over
        _PARSED.clear()
    kept = {digest: _PARSED.get(digest) for _pk, _vendor, digest, _at in rows}  # .get: another thread may clear
    found = {digest: catalog for digest, catalog in kept.items() if catalog is not None}
    missing = [pk for pk, _vendor, digest, _at in rows if digest not in found]
    if missing:
        for vendor, digest, source in (CatalogVersion.objects.filter(pk__in=missing).order_by()
                                       .values_list("vendor", "digest", "source")):
            found[digest] = _PARSED[digest] = parsed_catalog(digest, source, f"{vendor}.toml")
    return tuple(StoredCatalog(pk, vendor, digest, at, found[digest])
                 for pk, vendor, digest, at in rows if digest in found)  # deleted in between: left out


#: content digest -> parsed catalog, of this process (:func:`stored_catalogs`).
_PARSED: dict[str, Catalog] = {}


def newest_catalogs() -> list[StoredCatalog]:
    """Each vendor's newest catalog version (last loaded; of two loaded at once the later
    row), by vendor: what the public price list and the agents' call log show."""
    newest: dict[str, StoredCatalog] = {}
    for stored in stored_catalogs():
        newest.setdefault(stored.vendor, stored)
    return list(newest.values())


def newest_version(vendor: str) -> CatalogVersion | None:
    """The vendor's newest catalog version (as :func:`newest_catalogs` orders them), or None:
    the one a new agreement or a prospect's booking is made on."""
    return CatalogVersion.objects.filter(vendor=vendor).order_by("-loaded_at", "-id").first()


@lru_cache(maxsize=128)
def _calendar(digest: str, source: str, vendor: str, calendar_id: str, closed: tuple, language: str,
              extra_hours: tuple = ()) -> Calendar:
    catalog = parsed_catalog(digest, source, f"{vendor}.toml")
    return build_calendar(catalog.calendar(calendar_id), dict(closed), language, dict(extra_hours))


def closed_days(vendor: str, calendar_id: str) -> tuple:
    """A calendar's closed days as ((date, reason), ...), by date.

    Cached per process, keyed by the closed days' revision stamp (:class:`ClosedDaysRevision`,
    rewritten by database triggers on every change, in any process): a call reads that one
    row, and the days themselves only when the revision moved. Revision and days are read in
    one statement, so a change committed in between cannot pair new days with an old stamp.
    Without a stamp row (a database emptied by hand) nothing is cached."""
    days, stamp = ClosedDay._meta.db_table, ClosedDaysRevision._meta.db_table
    key = (vendor, calendar_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT revision FROM {stamp} WHERE id = 1")
        row = cursor.fetchone()
        cached = _CLOSED.get(key)
        if row is not None and cached is not None and cached[0] == row[0]:
            return cached[1]
        cursor.execute(f"SELECT s.revision, d.date, d.reason FROM {stamp} s LEFT JOIN {days} d "
                       f"ON d.vendor = %s AND d.calendar = %s WHERE s.id = 1 ORDER BY d.date", [vendor, calendar_id])
        rows = cursor.fetchall()
        if not rows:  # no stamp row: read the days, cache nothing
            cursor.execute(f"SELECT NULL, date, reason FROM {days} WHERE vendor = %s AND calendar = %s ORDER BY date",
                           [vendor, calendar_id])
            rows = cursor.fetchall()
    field = ClosedDay._meta.get_field("date")  # SQLite hands dates back as text
    closed = tuple((field.to_python(day), reason) for _, day, reason in rows if day is not None)
    if rows and rows[0][0] is not None:
        if len(_CLOSED) > 256:
            _CLOSED.clear()
        _CLOSED[key] = (rows[0][0], closed)
    return closed


#: (vendor, calendar) -> (revision, closed days) of this process.
_CLOSED: dict[tuple[str, str], tuple[str, tuple]] = {}


def calendar_for(version, calendar_id: str, language: str = "en", extra_hours: tuple = ()) -> Calendar:
    """The business-time calendar ``calendar_id`` of a stored catalog version, closed days included.

    ``extra_hours``: ((date, ranges), ...) open on top of it (a booked special-event weekend)."""
    closed = closed_days(version.vendor, calendar_id)
    return _calendar(version.digest, version.source, version.vendor, calendar_id, closed, language, extra_hours)
