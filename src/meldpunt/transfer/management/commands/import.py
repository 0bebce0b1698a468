"""``meldpunt import organisations|contacts|agreements FILE [--dry-run] [--json]`` (docs/import.md)
and ``meldpunt import helpdesk --url … --token … [--limit N]``, another desk's history
(:mod:`meldpunt.history`, docs/history.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from meldpunt.core.progress import throttled
from meldpunt.history.client import HelpdeskClient, SourceError
from meldpunt.history.services import Result, import_helpdesk
from meldpunt.localformat import number
from meldpunt.transfer.importer import CHUNK, Progress, run_import
from meldpunt.transfer.readers import FileError, read_sheet
from meldpunt.transfer.rows import KINDS

#: What a row's outcome reads as, in a dry run (what would happen) and in a real one.
VERBS = {"created": gettext_lazy("create"), "changed": gettext_lazy("change"), "unchanged": gettext_lazy("leave"),
         "refused": gettext_lazy("refuse")}
OUTCOMES = {"created": gettext_lazy("created"), "changed": gettext_lazy("changed"),
            "unchanged": gettext_lazy("unchanged"), "refused": gettext_lazy("refused")}


class Command(BaseCommand):
    help = gettext_noop("Import organisations, contacts or agreements from CSV or Excel (idempotent; --dry-run first), "
                        "or a django-helpdesk desk's history (helpdesk --url --token; resumable).")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*KINDS, "helpdesk"])
        parser.add_argument("file", nargs="?", help=_("a .csv or .xlsx file; the first row names the columns"))
        parser.add_argument("--url", help=_("helpdesk: the desk's address, e.g. https://desk.example.com (its API is /api/)"))
        parser.add_argument("--token", help=_("helpdesk: the DRF token of a staff user of that desk"))
        parser.add_argument("--limit", type=int, default=None,
                            help=_("helpdesk: import at most this many new tickets, then stop (run again to continue)"))
        parser.add_argument("--dry-run", action="store_true", help=_("report every row; write nothing"))
        parser.add_argument("--json", action="store_true", help=_("print the report as one JSON object"))
        parser.add_argument("--chunk", type=int, default=CHUNK, help=_("rows per transaction (default %(chunk)s)") % {"chunk": CHUNK})

    def handle(self, *args, **options):
        if options["kind"] == "helpdesk":
            return self._helpdesk(options)
        if not options["file"] or options["url"] or options["token"] or options["limit"] is not None:
            raise CommandError(_("import %(kind)s: give one FILE (--url, --token and --limit are for helpdesk)")
                               % {"kind": options["kind"]}, returncode=2)
        path = Path(options["file"])
        if options["chunk"] < 1:
            raise CommandError(_("--chunk: give a number of rows of at least 1"), returncode=2)
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
            counts = " · ".join(f"{n} {OUTCOMES.get(outcome, outcome)}" for outcome, n in sorted(p.counts.items()))
            self.stderr.write("  " + _("%(done)s/%(total)s rows · %(counts)s · %(elapsed)s s, about %(left)s s left "
                                       "(%(rate)s rows/s)") % {
                "done": p.done, "total": p.total, "counts": counts, "elapsed": number(p.elapsed, 1),
                "left": number(p.seconds_left, 0), "rate": number(p.rows_per_second, 0)})

        return throttled(show, lambda p: p.done >= p.total)

    def _print(self, report) -> None:
        for row in report.rows:
            if not report.dry_run and row.outcome not in ("refused",) and not row.warnings:
                continue
            verb = (VERBS if report.dry_run else OUTCOMES)[row.outcome]
            line = _("row %(row)s: %(verb)s %(key)s") % {"row": row.row, "verb": verb, "key": row.key or "-"}
            if row.outcome == "refused":
                line += " — " + _("column %(column)s: %(reason)s") % {"column": row.column or "-", "reason": row.reason}
            elif row.changed:
                line += f" ({', '.join(row.changed)})"
            self.stdout.write(line)
            for warning in row.warnings:
                self.stdout.write(_("row %(row)s: warning — %(warning)s") % {"row": row.row, "warning": warning})
        counts = ", ".join(f"{report.counts[o]} {OUTCOMES[o]}" for o in ("created", "changed", "unchanged", "refused"))
        prefix = _("Dry run, nothing written") if report.dry_run else _("Imported")
        self.stdout.write(_("%(prefix)s: %(kind)s: %(counts)s in %(elapsed)s s") % {
            "prefix": prefix, "kind": report.kind, "counts": counts, "elapsed": number(report.elapsed, 1)})

    def _helpdesk(self, options) -> None:
        if options["file"] or not options["url"] or not options["token"]:
            raise CommandError(_("import helpdesk: give --url and --token, and no FILE"), returncode=2)
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError(_("--limit: must be 0 or more"), returncode=2)

        def show(result: Result) -> None:
            left = (result.total - result.seen) / result.rate if result.rate else 0.0
            self.stdout.write("  " + _("%(seen)s/%(total)s tickets · %(imported)s imported · %(skipped)s already there"
                                       " · %(rate)s/s, about %(left)s s left") % {
                "seen": result.seen, "total": result.total, "imported": result.imported, "skipped": result.skipped,
                "rate": number(result.rate, 1), "left": number(left, 0)})

        try:
            client = HelpdeskClient(options["url"], options["token"])
            self.stdout.write(_("Importing the history of %(desk)s") % {"desk": client.base})
            result = import_helpdesk(client, limit=options["limit"], on_progress=throttled(show, lambda r: r.seen >= r.total))
        except SourceError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(_(
            "Done: %(imported)s tickets imported (%(strangers)s from unknown submitters, in the triage queue), "
            "%(messages)s follow-ups, %(attachments)s attachments; %(skipped)s were already there; %(elapsed)s s, "
            "%(rate)s tickets/s") % {
            "imported": result.imported, "strangers": result.strangers, "messages": result.messages,
            "attachments": result.attachments, "skipped": result.skipped, "elapsed": number(result.elapsed, 1),
            "rate": number(result.rate, 1)})
        if result.stopped:
            self.stdout.write(_("Stopped at --limit %(limit)s: run it again to continue.") % {"limit": options["limit"]})
        elif not result.imported:
            self.stdout.write(_("Nothing new to import."))
