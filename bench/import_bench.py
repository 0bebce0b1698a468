"""Import benchmark (issue 22): rows per second of ``meldpunt import`` on N rows each of
organisations, contacts and agreements (default 10,000), a second (idempotent) run of each,
and a dry run; as the peer in the same run, a bare row-at-a-time ORM insert of the same
organisations and contacts (``create()`` per row in transactions of the same size, no lookups, no
validation): the floor any row-by-row import pays, so the ratio is the price of the rules.

Run: ``python bench/import_bench.py`` for SQLite, ``scripts/with-postgres python
bench/import_bench.py`` for PostgreSQL.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings")
os.environ.setdefault("MELDPUNT_DEBUG", "0")
os.environ.setdefault("MELDPUNT_SECRET_KEY", "bench-only-" + "k3y-f0r-the-benchmarks-which-sign-nothing-of-value")
os.environ.setdefault("MELDPUNT_FIELD_KEY", "YmVuY2gtb25seS1maWVsZC1rZXktb2YtMzItYnl0ZXM=")
if not os.environ.get("DATABASE_URL"):
    os.environ["MELDPUNT_DATA"] = tempfile.mkdtemp(prefix="meldpunt-bench-")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from meldpunt.contracts.models import Contact, Organisation  # noqa: E402
from meldpunt.transfer.importer import CHUNK, run_import  # noqa: E402
from meldpunt.transfer.readers import read_sheet  # noqa: E402


def files(n: int) -> dict[str, str]:
    organisations = ["number,name,language"] + [f"N{i:06d},Customer {i:06d} BV,{'en' if i % 4 == 0 else 'nl'}"
                                                for i in range(n)]
    contacts = ["email,organisation,name,phone,language,coordinator"] + [
        f"contact{i:06d}@customer{i:06d}.test,N{i:06d},Contact {i:06d},+31 20 {i:06d},nl,yes" for i in range(n)]
    agreements = ["code,organisation,catalog,package,addons,starts_on,coordinator,declared_users"] + [
        f"AGR-{i:06d},N{i:06d},erpm,{('small', 'medium', 'large')[i % 3]},"
        f"{'premium; koppeling=2: Exact | AFAS' if i % 5 == 0 else ''},2026-01-01,contact{i:06d}@customer{i:06d}.test,"
        f"{10 + i % 10}" for i in range(n)]
    return {"organisations": "\n".join(organisations), "contacts": "\n".join(contacts),
            "agreements": "\n".join(agreements)}


def timed(kind: str, text: str, dry_run: bool = False) -> tuple[float, dict]:
    sheet = read_sheet(io.BytesIO(text.encode()), f"{kind}.csv")
    started = time.perf_counter()
    report = run_import(kind, sheet, dry_run=dry_run)
    return time.perf_counter() - started, dict(report.counts)


def peer(n: int) -> float:
    """Bare ORM: create() per row, CHUNK rows per transaction, of organisations and contacts with logins."""
    User = get_user_model()
    started = time.perf_counter()
    for at in range(0, n, CHUNK):
        with transaction.atomic():
            for i in range(at, min(n, at + CHUNK)):
                org = Organisation.objects.create(number=f"P{i:06d}", name=f"Peer {i:06d} BV")
                user = User(username=f"peer{i:06d}@peer.test", email=f"peer{i:06d}@peer.test")
                user.set_unusable_password()
                user.save()
                Contact.objects.create(organisation=org, user=user, name=f"Peer {i}", email=user.email, is_coordinator=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--dry-run", action="store_true", help="also time a dry run of each file")
    args = parser.parse_args()
    n = args.rows
    call_command("migrate", verbosity=0)
    call_command("load_catalogs", verbosity=0)
    print(f"Import benchmark on {connection.vendor}, {n} rows per file, {CHUNK} rows per transaction")
    data = files(n)
    total_rows, total_seconds, firsts = 0, 0.0, {}
    for kind in ("organisations", "contacts", "agreements"):
        dry = timed(kind, data[kind], dry_run=True)[0] if args.dry_run else 0.0
        first, counts = timed(kind, data[kind])
        again, again_counts = timed(kind, data[kind])
        assert counts.get("created") == n and again_counts == {"unchanged": n}, (counts, again_counts)
        total_rows, total_seconds, firsts[kind] = total_rows + n, total_seconds + first, first
        print(f"  {kind:13} first run {n / first:7.0f} rows/s · second run (no change) {n / again:7.0f} rows/s"
              + (f" · dry run {n / dry:7.0f} rows/s" if dry else ""))
    bare = peer(n)
    imported = firsts["organisations"] + firsts["contacts"]
    print(f"  all three files: {total_rows / total_seconds:.0f} rows/s on the first run")
    print(f"  peer (bare ORM create per row, organisations + contacts): {2 * n / bare:.0f} rows/s;"
          f" the import of the same {2 * n} rows: {2 * n / imported:.0f} rows/s"
          f" = {bare / imported:.2f}× the peer's speed")


if __name__ == "__main__":
    main()
