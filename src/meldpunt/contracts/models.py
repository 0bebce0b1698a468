"""Catalog versions, customer organisations, contacts and agreements (SPEC.md §1).

A catalog is stored as the exact TOML text it was loaded from; an agreement points at the
version it was signed under, so editing a catalog never silently moves the deadlines of
running agreements (DESIGN.md, "Catalog files").
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts import addresses
from meldpunt.contracts.catalog_words import catalog_error_words
from meldpunt.contracts.parsing import agreement_overrides, parsed_catalog
from meldpunt.core.catalog import CatalogError

LANGUAGE_CHOICES = [("nl", _("Dutch")), ("en", _("English"))]


class CatalogVersion(models.Model):
    vendor = models.CharField(_("vendor"), max_length=40, db_index=True)
    version = models.CharField(_("version"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    source = models.TextField(_("catalog file (TOML)"))
    digest = models.CharField(_("SHA-256 of the file"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("catalog version")
        verbose_name_plural = _("catalog versions")
        constraints = [models.UniqueConstraint(fields=["vendor", "digest"], name="catalog_once_per_content")]
        ordering = ["vendor", "-loaded_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    def parsed(self):
        """The core :class:`Catalog` of this version (cached per process by content)."""
        return parsed_catalog(self.digest, self.source, f"{self.vendor}.toml")


class ClosedDay(models.Model):
    """A day a vendor adds to a calendar's closed days (beyond the catalog's holidays)."""

    vendor = models.CharField(_("vendor"), max_length=40)
    calendar = models.CharField(_("calendar"), max_length=60)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        constraints = [models.UniqueConstraint(fields=["vendor", "calendar", "date"], name="closed_day_once")]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class ClosedDaysRevision(models.Model):
    """One row whose ``revision`` changes with every change of :class:`ClosedDay`, however
    it is made (admin, API, command, catalog load, raw SQL, another process): database
    triggers on the closed-day table write a new random value in the same transaction
    (migration 0003). Processes cache closed days keyed by it (:mod:`meldpunt.contracts.catalogs`)
    and read only this one row to know their copy is current. A random value, not a counter:
    a rolled-back change can never hand its number to a later, different change."""

    revision = models.CharField(_("revision"), max_length=40)

    class Meta:
        verbose_name = _("closed days revision")
        verbose_name_plural = _("closed days revisions")

    def __str__(self) -> str:
        return self.revision


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    number = models.CharField(
        _("customer number"), max_length=40, blank=True, default="",
        help_text=_("The vendor's own number for this customer; imports find the organisation by it."),
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="nl")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~models.Q(number=""), name="organisation_number_once"),
        ]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(models.QuerySet):
    """The one-address-one-contact queries (:mod:`meldpunt.contracts.addresses`)."""

    def with_address(self, address: str) -> ContactQuerySet:
        """Contacts whose address is ``address``, in any case (served by the unique index)."""
        return self.alias(address=Lower("email")).filter(address=addresses.normalise(address))

    def address_in_use(self, address: str, *, exclude_pk: int | None = None) -> bool:
        """Whether another contact (of any organisation) already has this address."""
        return self.with_address(address).exclude(pk=exclude_pk).exists()

    def settle(self, address: str) -> None:
        """Give ``address`` back to the oldest contact using it when none holds it under the index."""
        contacts = self.with_address(address).order_by("pk")
        if contacts.exists() and not contacts.filter(duplicate_address=False).exists():
            self.filter(pk=contacts.first().pk).update(duplicate_address=False)


class Contact(models.Model):
    """A person of a customer organisation. Their address is theirs alone (see
    :mod:`meldpunt.contracts.addresses`): it is how mail finds its organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="nl")
    is_coordinator = models.BooleanField(_("coordinator"), default=False, help_text=_("Sees all requests of the organisation and receives licence keys."))
    duplicate_address = models.BooleanField(
        _("repeats an older contact's address"), default=False, editable=False,
        help_text=_("Found when addresses became unique: mail from this address goes to triage until only one contact has it."),
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(duplicate_address=False), name="contact_address_once",
                violation_error_message=addresses.IN_USE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def clean(self) -> None:
        """Refuse an address another contact has, without saying whose it is."""
        self.email = addresses.normalise(self.email)
        if self.email and self._stored_address() != self.email and Contact.objects.address_in_use(self.email, exclude_pk=self.pk):
            raise ValidationError({"email": addresses.IN_USE}, code="address_in_use")

    def save(self, *args, **kwargs):
        """Keep the address lower-cased; a changed address is checked like a new one (it
        leaves any old exemption behind), and a shared address it leaves goes to the next
        contact that has it."""
        self.email = addresses.normalise(self.email)
        fields = kwargs.get("update_fields")
        old = self._stored_address() if fields is None or "email" in fields else None
        moved = old is not None and old != self.email
        if moved and self.duplicate_address:
            self.duplicate_address = False
            if fields is not None:
                kwargs["update_fields"] = {*fields, "duplicate_address"}
        super().save(*args, **kwargs)
        if moved:
            Contact.objects.settle(old)

    def _stored_address(self) -> str | None:
        if self.pk is None:
            return None
        stored = type(self).objects.filter(pk=self.pk).values_list("email", flat=True).first()
        return None if stored is None else addresses.normalise(stored)


class Agreement(models.Model):
    code = models.CharField(_("agreement code"), max_length=40, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("organisation"))
    catalog = models.ForeignKey(CatalogVersion, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("catalog version"))
    package = models.CharField(_("package"), max_length=60)
    coordinator = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="coordinated_agreements", verbose_name=_("coordinator"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    declared_users = models.PositiveIntegerField(_("declared users"), default=0)
    declared_customisation_lines = models.PositiveIntegerField(_("declared customisation lines"), default=0)
    target_overrides = models.JSONField(
        _("target overrides"), default=list, blank=True,
        help_text=_('List of {"priority": "critical", "kinds": ["incident"], "response": "1h", "resolution": "1bd"}'),
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.organisation})"

    def clean(self) -> None:
        """Refuse a package the catalog version lacks, target overrides it cannot read, an end
        before the start and a coordinator of another organisation."""
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("An agreement cannot end before it starts.")})
        if self.coordinator_id and self.organisation_id and self.coordinator.organisation_id != self.organisation_id:
            raise ValidationError({"coordinator": _("The coordinator must be a contact of the agreement's organisation.")})
        if self.catalog_id is None:
            return
        catalog = self.catalog.parsed()
        if self.package not in catalog.packages:
            raise ValidationError({"package": _("Choose one of: %(ids)s") % {"ids": ", ".join(catalog.packages)}})
        try:
            agreement_overrides(self)
        except CatalogError as exc:
            raise ValidationError({"target_overrides": catalog_error_words(exc)}) from None

    def addon_ids(self) -> list[str]:
        """The ids of the agreement's add-ons. A list in ``loaded_addons`` (what
        ``Prefetch("addons", to_attr="loaded_addons")`` leaves, or a selector that read the
        add-ons with the agreement) spares the query."""
        loaded = getattr(self, "loaded_addons", None)
        return [a.addon for a in (self.addons.all() if loaded is None else loaded)]


class AgreementAddon(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="addons", verbose_name=_("agreement"))
    addon = models.CharField(_("add-on"), max_length=60)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    names = models.JSONField(_("names"), default=list, blank=True, help_text=_("E.g. the integrations paid for."))

    class Meta:
        verbose_name = _("agreement add-on")
        verbose_name_plural = _("agreement add-ons")
        constraints = [models.UniqueConstraint(fields=["agreement", "addon"], name="addon_once_per_agreement")]

    def __str__(self) -> str:
        return f"{self.addon} × {self.quantity}"

    def clean(self) -> None:
        """Named items (e.g. the integrations of Koppeling) are counted: never more names than
        the quantity paid for."""
        names = self.names or []
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise ValidationError({"names": _("Names must be a list of non-empty texts.")})
        if self.quantity < 1:
            raise ValidationError({"quantity": _("The quantity must be at least 1.")})
        if len(names) > self.quantity:
            raise ValidationError({"names": _("%(count)s names for a quantity of %(quantity)s.") % {
                "count": len(names), "quantity": self.quantity}})
