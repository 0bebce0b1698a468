"""The one service for changes of a service calendar or its closed days: the clocks move with them.

Every entry point goes through here, so a changed calendar never leaves a stale due moment:

- the admin adds, changes or deletes a closed day (``tickets.admin.ClosedDayAdmin``): the
  clocks move in the background (:mod:`meldpunt.tickets.tasks`), the page answers at once;
- the ``closed_day`` command adds or removes one, ``recompute_clocks`` re-examines a calendar
  (both wait for the recompute and print what moved);
- loading catalog files (``load_catalogs``): every calendar whose hours, holidays or closed
  days differ from the vendor's previous version is recomputed on the new version. Agreements
  keep the version they were signed under (DESIGN.md, "Catalog files"), so a load never moves
  the clocks of running agreements; it reports which calendars changed.

The recompute itself is :func:`meldpunt.tickets.recompute.recompute_calendar` (the core's batch
due function over the affected clocks, one ``clock`` event per moved ticket). When clocks moved,
:data:`meldpunt.tickets.signals.clocks_moved` tells other apps (escalation sweeps its alerts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from meldpunt.contracts.models import CatalogVersion, ClosedDay
from meldpunt.contracts.services import load_catalog_text
from meldpunt.core.catalog_loader import PRESETS, preset_text
from meldpunt.tickets import tasks
from meldpunt.tickets.recompute import RecomputeReport, recompute_calendar


class CalendarError(ValueError):
    """A closed day names a vendor or calendar no loaded catalog has."""


def calendar_changed(*, vendor: str, calendar: str, days: Iterable[date] | None = None,
                     versions: Iterable[int] | None = None, reason: str = "",
                     background: bool = False) -> RecomputeReport | None:
    """Move the running clocks on ``vendor``'s ``calendar`` to the calendar as it is now.

    ``days``: only clocks that can span one of these (a closed day added or removed).
    ``versions``: only agreements on these catalog versions. With ``background`` the work is
    enqueued once the caller's transaction commits and None is returned; otherwise the report."""
    days = sorted(set(days)) if days else None
    versions = sorted(versions) if versions is not None else None
    if background:
        kwargs = {"vendor": vendor, "calendar": calendar, "days": [d.isoformat() for d in days] if days else None,
                  "versions": versions, "reason": reason}
        transaction.on_commit(lambda: tasks.recompute_calendar.enqueue(**kwargs))
        return None
    return recompute_calendar(vendor=vendor, calendar=calendar, days=days, versions=versions, reason=reason)


def check_calendar(vendor: str, calendar: str) -> None:
    """Refuse a vendor or calendar that no loaded catalog version has (a typo moves nothing)."""
    versions = list(CatalogVersion.objects.filter(vendor=vendor))
    if not versions:
        raise CalendarError(_("No catalog of vendor %(vendor)s is loaded.") % {"vendor": vendor})
    known = sorted({cid for v in versions for cid in v.parsed().calendars})
    if calendar not in known:
        raise CalendarError(_("Vendor %(vendor)s has no calendar %(calendar)s; calendars: %(known)s.")
                            % {"vendor": vendor, "calendar": calendar, "known": ", ".join(known)})


def save_closed_day(closed_day: ClosedDay, *, background: bool = False) -> list[RecomputeReport]:
    """Add or change a closed day, then move the clocks around its date, and around its old
    date (and old calendar) when it was moved. Returns the reports (none in the background)."""
    check_calendar(closed_day.vendor, closed_day.calendar)
    with transaction.atomic():
        before = (ClosedDay.objects.select_for_update().filter(pk=closed_day.pk).first()
                  if closed_day.pk else None)
        closed_day.save()
    touched: dict[tuple[str, str], set[date]] = {(closed_day.vendor, closed_day.calendar): {closed_day.date}}
    if before is not None:
        touched.setdefault((before.vendor, before.calendar), set()).add(before.date)
    return _recompute(touched, background)


def delete_closed_day(closed_day: ClosedDay, *, background: bool = False) -> list[RecomputeReport]:
    """Remove a closed day, then move the clocks that can span it."""
    touched = {(closed_day.vendor, closed_day.calendar): {closed_day.date}}
    closed_day.delete()
    return _recompute(touched, background)


def _recompute(touched: dict[tuple[str, str], set[date]], background: bool) -> list[RecomputeReport]:
    """After the change is stored: the recompute commits chunk by chunk (a million clocks are
    not one transaction), or runs in the worker once the caller's transaction commits."""
    reports = []
    for (vendor, calendar), days in sorted(touched.items()):
        report = calendar_changed(vendor=vendor, calendar=calendar, days=days, background=background,
                                  reason=f"closed days of calendar {calendar} changed")
        if report is not None:
            reports.append(report)
    return reports


@dataclass
class CatalogLoad:
    """What loading one catalog file did: the version, whether it is new, the changed calendars."""

    version: CatalogVersion
    created: bool
    reports: list[RecomputeReport] = field(default_factory=list)

    @property
    def changed_calendars(self) -> list[str]:
        return [r.calendar for r in self.reports]


def load_catalog(text: str, filename: str) -> CatalogLoad:
    """Store a catalog file as a new version (``contracts.services.load_catalog_text``) and
    recompute, on that version, each calendar that differs from the vendor's previous version."""
    with transaction.atomic():
        version, created = load_catalog_text(text, filename)
        load = CatalogLoad(version, created)
        if not created:
            return load
        previous = (CatalogVersion.objects.filter(vendor=version.vendor).exclude(pk=version.pk)
                    .order_by("-loaded_at", "-pk").first())
        before = previous.parsed().calendars if previous else {}
        for calendar_id, definition in version.parsed().calendars.items():
            if before.get(calendar_id) == definition:
                continue
            report = calendar_changed(vendor=version.vendor, calendar=calendar_id, versions=[version.pk],
                                      reason=f"calendar {calendar_id} changed in catalog version {version.version}")
            assert report is not None
            load.reports.append(report)
        return load


def load_catalogs(files: Sequence[tuple[str, str]] = ()) -> list[CatalogLoad]:
    """Load ``(text, filename)`` pairs through :func:`load_catalog`; none given: the presets."""
    return [load_catalog(text, name) for text, name in files or [(preset_text(p), f"{p}.toml") for p in PRESETS]]
