"""Shared set-up of the scale benchmarks: Django on the bench database, catalogs, a desk.

Used by generate_tickets.py, alert_scan_bench.py and queue_bench.py. The data set lives in
the database named by DATABASE_URL (PostgreSQL; COPY needs it), so one generator run can
feed several benchmarks: ``scripts/with-postgres sh -c 'python bench/generate_tickets.py &&
python bench/alert_scan_bench.py && python bench/queue_bench.py'``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings")
os.environ.setdefault("MELDPUNT_DEBUG", "0")
# django.test.Client sends Host: testserver (no test environment sets it up here)
os.environ.setdefault("MELDPUNT_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
# The production profile wants a real secret key (DEBUG is off in the benchmarks).
os.environ.setdefault("MELDPUNT_SECRET_KEY", "bench-only-" + "k3y-f0r-the-benchmarks-which-sign-nothing-of-value")
os.environ.setdefault("MELDPUNT_FIELD_KEY", "YmVuY2gtb25seS1maWVsZC1rZXktb2YtMzItYnl0ZXM=")  # seals mailbox passwords


def setup() -> None:
    import django

    if not os.environ.get("DATABASE_URL"):
        sys.exit("the scale benchmarks need PostgreSQL: run them through scripts/with-postgres")
    from processes import durability  # bench/, the scripts' own folder

    print(durability(os.environ["DATABASE_URL"]))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_catalogs", verbosity=0)


def desk(organisations: int = 200, agents: int = 25):
    """Organisations on ERP.M (Small, some with Premium), agents, a team lead and a manager."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from meldpunt.contracts.models import Agreement, AgreementAddon, Organisation
    from meldpunt.contracts.services import current_version
    from meldpunt.escalation.models import Duty

    version = current_version("erpm")
    agreements = []
    for i in range(organisations):
        org, _ = Organisation.objects.get_or_create(name=f"Scale org {i:04d}")
        agreement, created = Agreement.objects.get_or_create(code=f"SCALE-{i:04d}", defaults=dict(
            organisation=org, catalog=version, package=("small", "medium", "large")[i % 3], starts_on=date(2025, 1, 1)))
        if created and i % 5 == 0:
            AgreementAddon.objects.create(agreement=agreement, addon="premium")
        agreements.append(agreement)
    users = get_user_model().objects
    staff = [users.get_or_create(username=f"scale-agent{i}", defaults={"is_staff": True, "email": f"agent{i}@vendor.test"})[0]
             for i in range(agents)]
    lead = users.get_or_create(username="scale-lead", defaults={"is_staff": True, "email": "lead@vendor.test"})[0]
    boss = users.get_or_create(username="scale-manager", defaults={"is_staff": True, "email": "manager@vendor.test"})[0]
    Duty.objects.get_or_create(vendor="erpm", role="team_lead", user=lead)
    Duty.objects.get_or_create(vendor="erpm", role="support_manager", user=boss)
    return agreements, staff


def human(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
