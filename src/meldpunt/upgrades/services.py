"""Customer product versions and the upgrade reminder (seed 000: "Wij raden u aan om ten
minste eenmaal per jaar te upgraden naar de dan nieuwste productieversie"; seed 001: "the
last version with a state of Production of Long Term Support").

Where an agreement's catalog has ``[upgrade_reminder]``, :func:`send_upgrade_reminders`
(the scheduler's daily ``upgrade-reminders`` job) writes one mail per product that has run
the same version for a whole period to the agreement's coordinator, in their language,
through the one outbox. Each (product row, version, round) is mailed once: the outbox's
unique ``dedupe_key`` refuses a second row, so a rerun, a second scheduler or a retried
task sends nothing twice. A product already on the newest recommended release gets no
reminder: there is nothing to upgrade to.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt import localformat
from meldpunt.contracts.models import Agreement
from meldpunt.core.upgrades import add_months, reminder_round
from meldpunt.core.vocabulary import supported_language
from meldpunt.intake import outbox
from meldpunt.knowledge.models import Release
from meldpunt.upgrades.models import ProductVersion

log = logging.getLogger(__name__)


class VersionError(ValueError):
    """A version that cannot be recorded, with the reason."""


@transaction.atomic
def record_version(agreement: Agreement, *, product: str, version: str, since: date | None = None) -> ProductVersion:
    """The customer runs ``product`` at ``version`` since ``since`` (today when None). A
    different version than the recorded one is an upgrade: the yearly count starts again."""
    product, version = " ".join(product.split()), version.strip()
    if not product or not version:
        raise VersionError(_("Give the product and its version."))
    if len(product) > 120 or len(version) > 60:
        raise VersionError(_("The product name may have 120 characters and the version 60."))
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise VersionError(_("The day a version came into use cannot be in the future."))
    row = ProductVersion.objects.select_for_update().filter(agreement=agreement, product__iexact=product).first()
    if row is None:
        return ProductVersion.objects.create(agreement=agreement, product=product, version=version, since=since)
    if row.version != version:
        row.version, row.since = version, since
        row.save(update_fields=["version", "since"])
    return row


@dataclass
class ReminderResult:
    queued: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"queued": self.queued, "skipped": self.skipped}


def newest_release(vendor: str, product: str, states) -> Release | None:
    """The newest release of the vendor's ``product`` (by name or short name) in ``states``."""
    return (Release.objects.filter(product__vendor=vendor, state__in=states)
            .filter(product__name__iexact=product).order_by("-released_on", "-id").first()
            or Release.objects.filter(product__vendor=vendor, state__in=states, product__slug__iexact=product)
            .order_by("-released_on", "-id").first())


def send_upgrade_reminders(today: date | None = None) -> ReminderResult:
    """Queue every upgrade reminder due on ``today`` (see the module docstring)."""
    today = today or timezone.localdate()
    result = ReminderResult()
    rows = (ProductVersion.objects.select_related("agreement__catalog", "agreement__coordinator")
            .filter(agreement__starts_on__lte=today).exclude(agreement__ends_on__lt=today).order_by("id"))
    mails = []
    for row in rows:
        agreement = row.agreement
        policy = agreement.catalog.parsed().upgrade_reminder
        if policy is None:
            continue
        k = reminder_round(row.since, today, policy.every_months)
        if k == 0:
            continue
        label = f"{agreement.code} {row.product} {row.version}"
        newest = newest_release(agreement.catalog.vendor, row.product, policy.release_states)
        if newest is not None and newest.version == row.version:
            result.skipped.append(f"{label}: already the newest recommended release")
            continue
        coordinator = agreement.coordinator
        if coordinator is None or not coordinator.email:
            result.skipped.append(f"{label}: the agreement has no coordinator to remind")
            continue
        version_hash = hashlib.sha256(row.version.encode()).hexdigest()[:12]
        key = f"upgrade:{row.pk}:{version_hash}:{row.since.isoformat()}:{k}"  # the outbox's unique key: once
        try:
            with transaction.atomic():
                mails.append(_queue(row, coordinator, newest, policy, add_months(row.since, k * policy.every_months), key))
        except IntegrityError:  # this round was queued before (a rerun, another worker)
            continue
        result.queued.append(label)
    outbox.send_after_commit(mails)  # outside a transaction (the task): handed to the worker at once
    return result


def _queue(row: ProductVersion, coordinator, newest: Release | None, policy, due: date, key: str):
    language = supported_language(coordinator.language)
    agreement = row.agreement
    with translation.override(language):
        facts = {"product": row.product, "version": row.version, "since": localformat.day(row.since, language),
                 "code": agreement.code, "name": coordinator.name}
        lines = [_("Dear %(name)s,") % facts, "",
                 _("Your organisation has used %(product)s %(version)s since %(since)s (agreement %(code)s).") % facts]
        if newest is not None:
            lines.append(_("The newest recommended release is %(version)s (%(state)s, released on %(day)s).") % {
                "version": newest.version, "state": newest.get_state_display(), "day": localformat.day(newest.released_on, language)})
            if newest.requires_new_licence_key:
                lines.append(_("This release needs a new licence key; request it with your agreement code."))
        advice = policy.text(language)
        if advice:
            lines += ["", advice]
        lines += ["", _("Once you have upgraded, reply to this mail with the new version so we stop reminding you.")]
        subject = _("Time to upgrade %(product)s %(version)s") % facts
    return outbox.queue_message("upgrade_reminder", to=coordinator.email, subject=subject, body="\n".join(lines),
                                language=language, vendor=agreement.catalog.vendor, dedupe_key=key, about=row)
