"""Small factories for Django tests: real rows in the real database, no mocks."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from meldpunt.api.models import ApiToken
from meldpunt.contracts.models import Agreement, AgreementAddon, CatalogVersion, Contact, Organisation
from meldpunt.contracts.services import current_version, load_catalog_text, load_presets
from meldpunt.core.catalog_loader import preset_text
from meldpunt.tickets.requests import NewRequest

AMS = ZoneInfo("Europe/Amsterdam")
#: settings.TASKS for a test in which the outbox's send task runs at once (after the commit).
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
_seq = count(1)


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


def catalogs() -> None:
    load_presets()


def catalog_version(text: str, filename: str = "test.toml") -> CatalogVersion:
    """A catalog version loaded from ``text`` (a test's own catalog)."""
    catalogs()
    return load_catalog_text(text, filename)[0]


def erpm_with_hard_resolution() -> CatalogVersion:
    """ERP.M's preset with its resolution times hard instead of indicative: for tests of the
    escalation chain and breach counts on resolution clocks."""
    text = preset_text("erpm")
    assert 'indicative = ["resolution"]' in text
    return catalog_version(text.replace('indicative = ["resolution"]', "indicative = []"), "erpm-hard.toml")


def staff_user(username: str | None = None):
    name = username or f"agent{next(_seq)}"
    return get_user_model().objects.create_user(name, f"{name}@vendor.test", "pw-agent-123", is_staff=True)


def organisation(name: str | None = None, language: str = "nl") -> Organisation:
    return Organisation.objects.create(name=name or f"Org {next(_seq)}", language=language)


def contact(org: Organisation, *, coordinator: bool = True, username: str | None = None, language: str | None = None) -> Contact:
    name = username or f"contact{next(_seq)}"
    user = get_user_model().objects.create_user(name, f"{name}@customer.test", "pw-customer-123")
    return Contact.objects.create(
        organisation=org, user=user, name=name.title(), email=user.email,
        language=language or org.language, is_coordinator=coordinator,
    )


def mail_sender(package: str = "small", addons=()) -> Contact:
    """Jan de Vries of Bakkerij De Vries, a Dutch customer who mails from jan@devries.test
    (the ``mail()`` samples' sender), with an ERP.M agreement; no portal account."""
    org = organisation("Bakkerij De Vries", language="nl")
    jan = Contact.objects.create(organisation=org, name="Jan de Vries", email="jan@devries.test", language="nl")
    agreement(org, "erpm", package, addons=addons)
    return jan


def agreement(org: Organisation, vendor: str = "erpm", package: str = "small", addons=(), *,
              version: CatalogVersion | None = None, **extra) -> Agreement:
    """``version``: a catalog version of the test's own (:func:`catalog_version`) instead of
    the vendor's current one."""
    catalogs()
    result = Agreement.objects.create(
        code=f"AGR-{next(_seq):05d}", organisation=org, catalog=version or current_version(vendor),
        package=package, starts_on=extra.pop("starts_on", date(2026, 1, 1)), **extra,
    )
    for item in addons:
        addon, quantity = (item, 1) if isinstance(item, str) else item
        AgreementAddon.objects.create(agreement=result, addon=addon, quantity=quantity)
    return result


def token(user) -> str:
    return ApiToken.issue(user, "test")[1]


def approved_proposal(ticket, hours: str = "10", rate: str = "100.00"):
    """Seed 002: billable work on an advisory request needs the customer's approved proposal."""
    from meldpunt.triage import services

    agent = staff_user()
    ticket = services.convert_to_advisory(ticket, actor=agent)
    proposal = services.draft_proposal(ticket, actor=agent, hours=hours, rate=rate, description="Advisory work")
    services.send_proposal(proposal, actor=agent)
    return services.decide_proposal(proposal, approve=True, by=agent)


#: The day the demo customer's October invoice is issued (see :func:`billed_october`).
OCTOBER_ISSUED = date(2026, 11, 2)


def billed_october(**vendor_profile):
    """The demo ERP.M customer's October invoice (Medium + Premium + 3 Koppelingen and 1.5 h
    advisory on an approved proposal), issued on OCTOBER_ISSUED; ``vendor_profile`` fills
    ERP.M's invoice profile."""
    from django.core.management import call_command

    from meldpunt.billing.models import Invoice, VendorProfile
    from meldpunt.billing.services import book_time, run_month
    from meldpunt.tickets.registration import create_ticket

    call_command("load_demo")
    VendorProfile.objects.filter(vendor="erpm").delete()  # the demo's complete one: these tests set their own
    VendorProfile.objects.create(vendor="erpm", name="ERP.M B.V.", address="Stationsplein 1\n3511 ED Utrecht",
                                 payment_days=14, **vendor_profile)
    devries = Agreement.objects.get(code="ERPM-2026-0042")
    ticket, _ = create_ticket(NewRequest(organisation=devries.organisation, agreement=devries, kind="advisory",
                                         subject="Rapport voorraadwaarde"))
    approved_proposal(ticket)
    book_time(ticket=ticket, agent=staff_user(), minutes=90, rate="100.00", started_at=ams(2026, 10, 6, 10, 0))
    run_month(month="2026-10", today=OCTOBER_ISSUED)
    return Invoice.objects.get(organisation=devries.organisation)
