"""A small demo desk: one vendor staff account, customer organisations with agreements on
different packages, and a handful of tickets. Loading it twice changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from meldpunt.contracts.models import Agreement, AgreementAddon, Contact, Organisation
from meldpunt.contracts.services import current_version, load_presets
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status

DEMO_LOGINS = [
    # (username, password, role)
    ("agent", "agent-demo-2026", "vendor staff (console and /admin/)"),
    ("jan", "jan-demo-2026", "coordinator of Bakkerij De Vries B.V. (ERP.M Medium + Premium + 3 Koppelingen), Dutch"),
    ("emma", "emma-demo-2026", "coordinator of Northwind Traders Ltd (Invantive subscription), English"),
    ("sofia", "sofia-demo-2026", "coordinator of Acme Manufacturing (Infor Xtreme Elite), English"),
]


def _user(username: str, password: str, *, staff: bool = False, email: str = ""):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_password(password)
        user.is_staff = user.is_superuser = staff
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
    agent = _user("agent", "agent-demo-2026", staff=True, email="agent@meldpunt.test")
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
    if Ticket.objects.exists():
        return {"tickets": 0}
    now = timezone.now()
    made = [
        create_ticket(NewRequest(organisation=devries, agreement=erpm, contact=jan, kind="incident",
                                 subject="Orders uit Shopify komen niet meer binnen", impact="organisation", urgency="high",
                                 description="Sinds vanochtend 07:10 geen orders meer via de Shopify-koppeling.",
                                 channel="phone", received_at=now - timedelta(hours=3), language="nl"))[0],
        create_ticket(NewRequest(organisation=devries, agreement=erpm, contact=jan, kind="question",
                                 subject="Hoe stel ik een tweede magazijn in?", channel="email",
                                 received_at=now - timedelta(days=2), language="nl"))[0],
        create_ticket(NewRequest(organisation=northwind, agreement=inv, contact=emma, kind="incident",
                                 subject="itgenclr073: connection to Exact Online fails",
                                 description="Error itgenclr073 when refreshing. Invantive Query Tool 24.0.12, steps: 1) connect 2) run select * from me",
                                 channel="portal", received_at=now - timedelta(days=1), language="en"))[0],
        create_ticket(NewRequest(organisation=northwind, agreement=inv, contact=emma, kind="licence_key",
                                 subject="New licence key for release 25.0", channel="email",
                                 received_at=now - timedelta(hours=20), language="en"))[0],
        create_ticket(NewRequest(organisation=acme, agreement=infor, contact=sofia, kind="incident",
                                 subject="Production planning run aborts", priority="critical",
                                 channel="phone", received_at=now - timedelta(hours=5), language="en"))[0],
    ]
    add_message(made[0], "We kijken ernaar; de koppeling wordt opnieuw gestart.", author=agent)
    change_status(made[2], "waiting_customer", actor=agent)
    return {"tickets": len(made)}
