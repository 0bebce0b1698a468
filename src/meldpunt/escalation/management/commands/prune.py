"""``meldpunt prune [--dry-run] [--chunk N]``: the scheduler's daily prune job, by hand, with progress."""

import time

from django.core.management.base import BaseCommand, CommandError

from meldpunt.escalation import retention


class Command(BaseCommand):
    help = ("Delete finished task results, schedule rows, login attempts, dead workers' heartbeats and "
            "expired sessions older than settings.MELDPUNT_KEEP_DAYS, in chunks; shows progress.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what would go")
        parser.add_argument("--chunk", type=int, default=None, help="rows per transaction (MELDPUNT_PRUNE_CHUNK)")

    def handle(self, *, dry_run, chunk, **options):
        if chunk is not None and chunk < 1:
            raise CommandError("--chunk: must be 1 or more", returncode=2)
        estimate = retention.count()
        for kind in retention.KINDS:
            self.stdout.write(f"  {kind}: {estimate[kind]} to go (kept {retention.keep_days(kind)} days)")
        if dry_run:
            self.stdout.write(f"Dry run: {sum(estimate.values())} rows would go.")
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
            self.stdout.write(f"  {p.kind}: {p.deleted}/{p.estimate} · all kinds {done}/{todo}"
                              f" · {elapsed:.1f} s, about {left:.0f} s left")

        self.stdout.write("Pruning")
        deleted = retention.prune(chunk=chunk, on_progress=progress, estimate=estimate)
        elapsed = time.monotonic() - started
        self.stdout.write(f"Done in {elapsed:.1f} s: " + ", ".join(f"{deleted[k]} {k}" for k in retention.KINDS))
