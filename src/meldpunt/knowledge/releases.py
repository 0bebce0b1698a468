"""Releases and critical-fix notifications (SPEC.md §6, seed 003).

A critical fix goes only to contacts who opted in **and** whose organisation has an
agreement, running today, on the product's vendor catalog whose package (with add-ons)
grants ``fix_notifications``. Entitlements come from the catalog, never from code.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from meldpunt.contracts.models import Agreement, Contact
from meldpunt.contracts.selectors import is_staff
from meldpunt.knowledge.models import FixAnnouncement, FixNotificationOptIn, Release
from meldpunt.knowledge.notify import Recipient, notify
from meldpunt.knowledge.services import KnowledgeError

ENTITLEMENT = "fix_notifications"


def running_agreements(today: date) -> QuerySet[Agreement]:
    return (
        Agreement.objects.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("catalog").prefetch_related("addons")
    )


def grants_fix_notifications(agreement: Agreement) -> bool:
    catalog = agreement.catalog.parsed()
    return ENTITLEMENT in catalog.entitlements(agreement.package, agreement.addon_ids())


def entitled_organisations(vendor: str, today: date) -> set[int]:
    """Organisations with a running agreement on ``vendor`` that grants fix notifications."""
    return {
        a.organisation_id
        for a in running_agreements(today).filter(catalog__vendor=vendor)
        if grants_fix_notifications(a)
    }


def may_opt_in(contact: Contact, today: date | None = None) -> bool:
    """Whether any running agreement of the contact's organisation grants fix notifications."""
    today = today or timezone.localdate()
    return any(grants_fix_notifications(a) for a in running_agreements(today).filter(organisation_id=contact.organisation_id))


def set_opt_in(*, contact: Contact, on: bool) -> None:
    if on:
        if not may_opt_in(contact):
            raise KnowledgeError(_("your agreement does not include notification of critical fixes"))
        FixNotificationOptIn.objects.get_or_create(contact=contact)
    else:
        FixNotificationOptIn.objects.filter(contact=contact).delete()


def fix_recipients(release: Release, today: date | None = None) -> list[Contact]:
    today = today or timezone.localdate()
    organisations = entitled_organisations(release.product.vendor, today)
    return list(
        Contact.objects.filter(organisation_id__in=organisations, fix_opt_in__isnull=False)
        .select_related("user").order_by("organisation_id", "name")
    )


@transaction.atomic
def announce_critical_fix(*, release: Release, title: str, body: str, actor, today: date | None = None) -> FixAnnouncement:
    """Announce a critical fix of ``release`` to the opted-in contacts entitled to hear of it."""
    if not is_staff(actor):
        raise KnowledgeError(_("only vendor staff announce fixes"))
    if not title.strip() or not body.strip():
        raise KnowledgeError(_("an announcement needs a title and a text"))
    recipients = fix_recipients(release, today)
    announcement = FixAnnouncement.objects.create(release=release, title=title.strip()[:300], body=body, announced_by=actor)
    announcement.recipients.set(recipients)
    url = reverse("knowledge:releases") + f"#release-{release.pk}"
    for contact in recipients:
        with override(contact.language):
            subject = _("Critical fix for %(release)s: %(title)s") % {"release": release, "title": announcement.title}
            text = body
            if release.requires_new_licence_key:
                text += "\n\n" + _("This version needs a new licence key. Request it with your agreement code; it is sent to your coordinator.")
        notify([Recipient(contact.email, contact.user, contact.language)], title=subject, body=text, url=url,
               kind="release", vendor=release.product.vendor)
    return announcement


def product_releases(product_id: int | None = None) -> QuerySet[Release]:
    releases = Release.objects.select_related("product").order_by("product__name", "-released_on", "-id")
    return releases.filter(product_id=product_id) if product_id else releases
