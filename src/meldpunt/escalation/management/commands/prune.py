"""``meldpunt prune [--dry-run] [--chunk N]``: the scheduler's daily prune job, by hand, with progress."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.escalation import retention
from meldpunt.localformat import number


class Command(BaseCommand):
    help = gettext_noop("Delete finished task results, schedule rows, login attempts, dead workers' heartbeats and "
                        "expired sessions older than settings.MELDPUNT_KEEP_DAYS, in chunks; shows progress.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("only count what would go"))
        parser.add_argument("--chunk", type=int, default=None, help=_("rows per transaction (MELDPUNT_PRUNE_CHUNK)"))

    def handle(self, *, dry_run, chunk, **options):
        if chunk is not None and chunk < 1:
            raise CommandError(_("--chunk: must be 1 or more"), returncode=2)
        estimate = retention.count()
        for kind in retention.KINDS:
            self.stdout.write("  " + _("%(kind)s: %(count)s to go (kept %(days)s days)")
                              % {"kind": kind, "count": estimate[kind], "days": retention.keep_days(kind)})
        if dry_run:
            self.stdout.write(_("Dry run: %(count)s rows would go.") % {"count": sum(estimate.values())})
            return
        started = time.monotonic()
        shown = [0.0]
        todo = max(1, sum(estimate.values()))
        latest: dict[str, int] = {}

        def progress(p: retention.Progress) -> None:
            latest[p.kind] = p.deleted
            now = time.monotonic()
            if now - shown[0] < 1.0:
                return
            shown[0] = now
            done, elapsed = sum(latest.values()), now - started
            left = elapsed / done * max(0, todo - done)
            self.stdout.write("  " + _("%(kind)s: %(deleted)s/%(estimate)s · all kinds %(done)s/%(todo)s · "
                                       "%(elapsed)s s, about %(left)s s left") % {
                "kind": p.kind, "deleted": p.deleted, "estimate": p.estimate, "done": done, "todo": todo,
                "elapsed": number(elapsed, 1), "left": number(left, 0)})

        self.stdout.write(_("Pruning"))
        deleted = retention.prune(chunk=chunk, on_progress=progress, estimate=estimate)
        elapsed = time.monotonic() - started
        self.stdout.write(_("Done in %(elapsed)s s: %(counts)s") % {
            "elapsed": number(elapsed, 1), "counts": ", ".join(f"{deleted[k]} {k}" for k in retention.KINDS)})
