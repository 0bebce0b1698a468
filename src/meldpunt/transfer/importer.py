"""Run an import file: every row through :mod:`meldpunt.transfer.rows`, in chunks.

The real run writes each chunk of rows in one transaction; a refused row is rolled back to its
own savepoint and the chunk goes on, so a file with one bad row still brings the others in,
and the report names the bad row, its column and why. A second run of the same file finds every
row as it is and changes nothing.

The dry run does exactly the same work inside one transaction that is then rolled back, so
what it reports (created, changed, unchanged, refused) is what the real run will do, including
rows that name a row earlier in the same file.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from meldpunt.transfer.readers import FileError, Sheet
from meldpunt.transfer.rows import KINDS, RowResult

CHUNK = 500


@dataclass
class Progress:
    done: int
    total: int
    counts: Counter
    elapsed: float

    @property
    def seconds_left(self) -> float:
        return self.elapsed / self.done * (self.total - self.done) if self.done else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.done / self.elapsed if self.elapsed else 0.0


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    elapsed: float = 0.0

    @property
    def refused(self) -> int:
        return self.counts["refused"]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "dry_run": self.dry_run, "counts": dict(self.counts),
                "seconds": round(self.elapsed, 3), "rows": [r.as_dict() for r in self.rows]}


class _Rollback(Exception):
    pass


def run_import(kind: str, sheet: Sheet, *, dry_run: bool, chunk: int = CHUNK,
               on_progress: Callable[[Progress], None] | None = None) -> ImportReport:
    """Import ``sheet`` as ``kind`` (organisations, contacts, agreements)."""
    if kind not in KINDS:
        raise FileError(_("unknown kind %(kind)r; one of %(kinds)s") % {"kind": kind, "kinds": ", ".join(KINDS)})
    handler = KINDS[kind]()
    missing = handler.missing_columns(sheet.columns)
    if missing:
        raise FileError(_("the file has no column %(columns)s") % {"columns": ", ".join(missing)})
    unknown = handler.unknown_columns(sheet.columns)
    if unknown:
        raise FileError(_("unknown column(s) %(unknown)s; the columns of %(kind)s are: %(columns)s") % {
            "unknown": ", ".join(unknown), "kind": kind, "columns": ", ".join(handler.columns)})
    report = ImportReport(kind, dry_run)
    started = time.monotonic()
    rows = sheet.rows

    def run_chunk(part) -> None:
        for number, values in part:
            with transaction.atomic():
                result = handler.run_row(number, values)
                if result.outcome == "refused":
                    transaction.set_rollback(True)
            report.rows.append(result)
            report.counts[result.outcome] += 1
        if on_progress:
            on_progress(Progress(len(report.rows), len(rows), report.counts, time.monotonic() - started))

    if dry_run:
        try:
            with transaction.atomic():
                for at in range(0, len(rows), chunk):
                    run_chunk(rows[at:at + chunk])
                raise _Rollback
        except _Rollback:
            pass
    else:
        for at in range(0, len(rows), chunk):
            with transaction.atomic():
                run_chunk(rows[at:at + chunk])
    report.elapsed = time.monotonic() - started
    return report
