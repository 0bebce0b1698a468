"""A small demo desk: three vendor staff accounts, customer organisations with agreements on
different packages, requests in every state (:mod:`.requests`) and the content around them
(:mod:`.content`). Loading it twice changes nothing."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_noop

from meldpunt.contracts.models import Agreement, AgreementAddon, Contact, Organisation
from meldpunt.contracts.services import current_version, load_presets
from meldpunt.demo.content import load_content
from meldpunt.demo.requests import load_requests

DEMO_LOGINS = [
    # (username, password, role: worded when printed, demo_logins)
    ("agent", "agent-demo-2026", gettext_noop("vendor staff (console and /admin/)")),
    ("jan", "jan-demo-2026", gettext_noop("coordinator of Bakkerij De Vries B.V. (ERP.M Medium + Premium + 3 Koppelingen), Dutch")),
    ("emma", "emma-demo-2026", gettext_noop("coordinator of Northwind Traders Ltd (Invantive subscription), English")),
    ("sofia", "sofia-demo-2026", gettext_noop("coordinator of Acme Manufacturing (Infor Xtreme Elite), English")),
    ("lisa", "lisa-demo-2026", gettext_noop("vendor staff, team lead on duty for every vendor")),
    ("mark", "mark-demo-2026", gettext_noop("vendor staff, support manager on duty for every vendor")),
]


def _user(username: str, password: str, *, staff: bool = False, superuser: bool = False, email: str = ""):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_password(password)
        user.is_staff, user.is_superuser = staff or superuser, superuser
        user.save()
    return user


def _org(name: str, language: str, contact: tuple[str, str, str], password: str):
    org, _ = Organisation.objects.get_or_create(name=name, defaults={"language": language})
    username, full_name, email = contact
    user = _user(username, password, email=email)
    person, _ = Contact.objects.get_or_create(
        organisation=org, email=email,
        defaults={"name": full_name, "user": user, "language": language, "is_coordinator": True},
    )
    return org, person


def _agreement(code, org, coordinator, vendor, package, addons=(), **extra):
    agreement, created = Agreement.objects.get_or_create(
        code=code,
        defaults={
            "organisation": org, "catalog": current_version(vendor), "package": package,
            "coordinator": coordinator, "starts_on": date(2026, 1, 1), **extra,
        },
    )
    if created:
        for addon, quantity, names in addons:
            AgreementAddon.objects.create(agreement=agreement, addon=addon, quantity=quantity, names=names)
    return agreement


@transaction.atomic
def load_demo() -> dict[str, int]:
    load_presets()
    agent = _user("agent", "agent-demo-2026", superuser=True, email="agent@meldpunt.test")
    devries, jan = _org("Bakkerij De Vries B.V.", "nl", ("jan", "Jan de Vries", "jan@devries.test"), "jan-demo-2026")
    northwind, emma = _org("Northwind Traders Ltd", "en", ("emma", "Emma Clarke", "emma@northwind.test"), "emma-demo-2026")
    acme, sofia = _org("Acme Manufacturing", "en", ("sofia", "Sofia Rossi", "sofia@acme.test"), "sofia-demo-2026")
    erpm = _agreement(
        "ERPM-2026-0042", devries, jan, "erpm", "medium",
        addons=[("premium", 1, []), ("koppeling", 3, ["Exact Online", "Shopify", "PostNL"])],
        declared_users=60, declared_customisation_lines=12000,
    )
    inv = _agreement("INV-NW-7731", northwind, emma, "invantive", "subscription", declared_users=12)
    infor = _agreement(
        "XTR-ACME-01", acme, sofia, "infor", "xtreme-elite", declared_users=140,
        target_overrides=[
            {"priority": "critical", "response": "1h", "resolution": "1bd"},
            {"priority": "high", "response": "4h", "resolution": "3bd"},
            {"priority": "medium", "response": "1bd", "resolution": "10bd"},
            {"priority": "low", "response": "2bd", "resolution": "planning"},
        ],
    )
    lisa = _user("lisa", "lisa-demo-2026", staff=True, email="lisa@meldpunt.test")
    mark = _user("mark", "mark-demo-2026", staff=True, email="mark@meldpunt.test")
    users = {"agent": agent, "lisa": lisa, "mark": mark, "jan": jan.user, "emma": emma.user, "sofia": sofia.user}
    load_content(users)
    made = load_requests(users, {"jan": (devries, erpm, jan), "emma": (northwind, inv, emma), "sofia": (acme, infor, sofia)})
    return {"tickets": made}
