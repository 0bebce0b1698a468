"""``meldpunt import organisations|contacts|agreements FILE [--dry-run] [--json]`` (docs/import.md)
and ``meldpunt import helpdesk --url … --token … [--limit N]``, another desk's history
(:mod:`meldpunt.history`, docs/history.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meldpunt.core.progress import throttled
from meldpunt.history.client import HelpdeskClient, SourceError
from meldpunt.history.services import Result, import_helpdesk
from meldpunt.transfer.importer import CHUNK, Progress, run_import
from meldpunt.transfer.readers import FileError, read_sheet
from meldpunt.transfer.rows import KINDS

VERBS = {"created": "create", "changed": "change", "unchanged": "leave", "refused": "refuse"}


class Command(BaseCommand):
    help = ("Import organisations, contacts or agreements from CSV or Excel (idempotent; --dry-run first), "
            "or a django-helpdesk desk's history (helpdesk --url --token; resumable).")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*KINDS, "helpdesk"])
        parser.add_argument("file", nargs="?", help="a .csv or .xlsx file; the first row names the columns")
        parser.add_argument("--url", help="helpdesk: the desk's address, e.g. https://desk.example.com (its API is /api/)")
        parser.add_argument("--token", help="helpdesk: the DRF token of a staff user of that desk")
        parser.add_argument("--limit", type=int, default=None,
                            help="helpdesk: import at most this many new tickets, then stop (run again to continue)")
        parser.add_argument("--dry-run", action="store_true", help="report every row; write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
        parser.add_argument("--chunk", type=int, default=CHUNK, help=f"rows per transaction (default {CHUNK})")

    def handle(self, *args, **options):
        if options["kind"] == "helpdesk":
            return self._helpdesk(options)
        if not options["file"] or options["url"] or options["token"] or options["limit"] is not None:
            raise CommandError(f"import {options['kind']}: give one FILE (--url, --token and --limit are for helpdesk)",
                               returncode=2)
        path = Path(options["file"])
        if options["chunk"] < 1:
            raise CommandError("--chunk: give a number of rows of at least 1", returncode=2)
        try:
            with path.open("rb") as stream:
                sheet = read_sheet(stream, path.name)
            report = run_import(options["kind"], sheet, dry_run=options["dry_run"], chunk=options["chunk"],
                                on_progress=None if options["json"] else self._progress())
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from None
        except FileError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self._print(report)
        if report.refused:
            sys.exit(1)

    def _progress(self):
        def show(p: Progress) -> None:
            counts = " · ".join(f"{n} {outcome}" for outcome, n in sorted(p.counts.items()))
            self.stderr.write(f"  {p.done}/{p.total} rows · {counts} · {p.elapsed:.1f} s, "
                              f"about {p.seconds_left:.0f} s left ({p.rows_per_second:.0f} rows/s)")

        return throttled(show, lambda p: p.done >= p.total)

    def _print(self, report) -> None:
        for row in report.rows:
            if not report.dry_run and row.outcome not in ("refused",) and not row.warnings:
                continue
            verb = VERBS[row.outcome] if report.dry_run else row.outcome
            line = f"row {row.row}: {verb} {row.key or '-'}"
            if row.outcome == "refused":
                line += f" — column {row.column or '-'}: {row.reason}"
            elif row.changed:
                line += f" ({', '.join(row.changed)})"
            self.stdout.write(line)
            for warning in row.warnings:
                self.stdout.write(f"row {row.row}: warning — {warning}")
        counts = ", ".join(f"{report.counts[o]} {o}" for o in ("created", "changed", "unchanged", "refused"))
        prefix = "Dry run, nothing written" if report.dry_run else "Imported"
        self.stdout.write(f"{prefix}: {report.kind}: {counts} in {report.elapsed:.1f} s")

    def _helpdesk(self, options) -> None:
        if options["file"] or not options["url"] or not options["token"]:
            raise CommandError("import helpdesk: give --url and --token, and no FILE", returncode=2)
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError("--limit must be 0 or more", returncode=2)

        def show(result: Result) -> None:
            left = (result.total - result.seen) / result.rate if result.rate else 0.0
            self.stdout.write(
                f"  {result.seen}/{result.total} tickets · {result.imported} imported · {result.skipped} already there"
                f" · {result.rate:.1f}/s, about {left:.0f} s left"
            )

        try:
            client = HelpdeskClient(options["url"], options["token"])
            self.stdout.write(f"Importing the history of {client.base}")
            result = import_helpdesk(client, limit=options["limit"], on_progress=throttled(show, lambda r: r.seen >= r.total))
        except SourceError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(
            f"Done: {result.imported} tickets imported ({result.strangers} from unknown submitters, in the triage queue),"
            f" {result.messages} follow-ups, {result.attachments} attachments; {result.skipped} were already there;"
            f" {result.elapsed:.1f} s, {result.rate:.1f} tickets/s"
        )
        if result.stopped:
            self.stdout.write(f"Stopped at --limit {options['limit']}: run it again to continue.")
        elif not result.imported:
            self.stdout.write("Nothing new to import.")
