"""Time entries, budgets, invoices and their lines (SPEC.md §5).

Idempotency lives in the database, not only in checks: a package or add-on is billed once
per agreement and month (partial unique index), a time entry is invoiced once (one-to-one
row), a line is credited once, and invoice numbers are unique per vendor and year.
Issued invoices and their lines are never edited; corrections are credit notes.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import LANGUAGE_CHOICES, Agreement, Organisation
from meldpunt.tickets.models import Ticket

MONEY = {"max_digits": 14, "decimal_places": 2}


class ImmutableError(Exception):
    """An issued invoice, its lines or an invoiced time entry cannot change; credit instead."""


class VendorProfile(models.Model):
    """The vendor's details printed on its invoices, keyed by the catalog's vendor id."""

    vendor = models.CharField(_("vendor"), max_length=40, unique=True, help_text=_("The catalog id, e.g. erpm."))
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=40, blank=True)
    chamber_of_commerce = models.CharField(_("Chamber of Commerce number"), max_length=40, blank=True)
    iban = models.CharField(_("IBAN"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    payment_days = models.PositiveIntegerField(_("payment term (days)"), default=30)

    class Meta:
        verbose_name = _("vendor profile")
        verbose_name_plural = _("vendor profiles")
        ordering = ["vendor"]

    def __str__(self) -> str:
        return self.name


class Budget(models.Model):
    """What the customer approved for billable work on an agreement (seed 002)."""

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="budget", verbose_name=_("agreement"))
    approved = models.DecimalField(_("approved amount"), **MONEY)
    warn_percent = models.PositiveIntegerField(_("warn at (%)"), default=80)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")

    def __str__(self) -> str:
        return f"{self.agreement.code}: {self.approved}"


class TimeEntry(models.Model):
    """One session of work on a ticket; covered by the contract or billable.

    A billable entry keeps the facts of its price, not a sentence: its explanation is worded
    when it is read, in the reader's language (``billing.wording.entry_words``)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("ticket"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="time_entries", verbose_name=_("agent"))
    started_at = models.DateTimeField(_("started at"), db_index=True)
    minutes = models.PositiveIntegerField(_("minutes worked"))
    billable = models.BooleanField(_("billable"), default=False, help_text=_("Off: covered by the contract."))
    billed_minutes = models.PositiveIntegerField(_("minutes billed"), default=0, help_text=_("Rounded up to whole units of the catalog."))
    rate = models.DecimalField(_("hourly rate"), null=True, blank=True, **MONEY)
    amount = models.DecimalField(_("amount"), default=Decimal("0.00"), **MONEY)
    note = models.CharField(_("note"), max_length=500, blank=True)
    unit_minutes = models.PositiveIntegerField(_("billing unit (minutes)"), default=1,
                                               help_text=_("The catalog's unit the minutes were rounded up to."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, null=True, blank=True,
                                       help_text=_("A client's key: the same key on the same ticket books once."))

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["started_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="time_entry_positive"),
            models.CheckConstraint(condition=Q(billable=False) | Q(rate__isnull=False), name="billable_time_has_rate"),
            models.UniqueConstraint(fields=["ticket", "idempotency_key"], name="time_booked_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.minutes} min on #{self.ticket_id}"

    def delete(self, *args, **kwargs):
        if self.pk and InvoicedTime.objects.filter(entry_id=self.pk).exists():
            raise ImmutableError(gettext("this time entry is on an invoice; correct it with a credit note"))
        return super().delete(*args, **kwargs)


class InvoiceCounter(models.Model):
    """The last invoice number per vendor and year; locked while a number is taken (no gaps)."""

    vendor = models.CharField(_("vendor"), max_length=40)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")
        constraints = [models.UniqueConstraint(fields=["vendor", "year"], name="one_counter_per_vendor_year")]


KIND_CHOICES = [("invoice", _("Invoice")), ("credit_note", _("Credit note"))]
STATUS_CHOICES = [("issued", _("Issued")), ("sent", _("Sent")), ("paid", _("Paid"))]


class Invoice(models.Model):
    vendor = models.CharField(_("vendor"), max_length=40)
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES, default="invoice")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("organisation"))
    period = models.DateField(_("month"), help_text=_("First day of the month billed."))
    issued_on = models.DateField(_("issued on"))
    currency = models.CharField(_("currency"), max_length=3)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="nl")
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    net = models.DecimalField(_("total excl. VAT"), **MONEY)
    vat = models.DecimalField(_("VAT"), **MONEY)
    total = models.DecimalField(_("total incl. VAT"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, default="issued")
    credits = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("credits invoice"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence", "vendor"]
        constraints = [models.UniqueConstraint(fields=["vendor", "year", "sequence"], name="invoice_number_once")]
        indexes = [models.Index(fields=["organisation", "-period"], name="invoice_org_period")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and (update_fields is None or not set(update_fields) <= {"status"}):
            raise ImmutableError(gettext("invoice %(number)s is issued; only its status may change — correct it with a credit note") % {"number": self.number})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(gettext("invoice %(number)s is issued and cannot be deleted; credit it instead") % {"number": self.number})


SOURCE_CHOICES = [("package", _("Package")), ("addon", _("Add-on")), ("time", _("Time")), ("credit", _("Credit"))]


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines", verbose_name=_("invoice"))
    position = models.PositiveIntegerField(_("line"))
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    source_type = models.CharField(_("source"), max_length=20, choices=SOURCE_CHOICES)
    source = models.CharField(_("where it comes from"), max_length=500)
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice_lines", verbose_name=_("agreement"))
    item = models.CharField(_("package or add-on"), max_length=60, blank=True)
    period = models.DateField(_("month"))
    revision = models.PositiveIntegerField(_("revision"), default=0, help_text=_("Raised when a fee is billed again after a credit note."))
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice_lines", verbose_name=_("ticket"))
    credited_line = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credited_by", verbose_name=_("credits line"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="line_position_once"),
            # A package or add-on fee is billed once per agreement and month, whoever runs it;
            # only after a credit note may it be billed again, as the next revision.
            models.UniqueConstraint(
                fields=["agreement", "item", "period", "revision"],
                condition=Q(source_type__in=["package", "addon"]),
                name="fee_billed_once_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position} {self.description}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError(gettext("invoice lines are never edited; correct them with a credit note"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(gettext("invoice lines are never deleted; correct them with a credit note"))


class InvoicedTime(models.Model):
    """Which time entries a time line bills. One row per entry: an entry is invoiced once."""

    entry = models.OneToOneField(TimeEntry, on_delete=models.PROTECT, related_name="invoiced", verbose_name=_("time entry"))
    line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="entries", verbose_name=_("invoice line"))

    class Meta:
        verbose_name = _("invoiced time entry")
        verbose_name_plural = _("invoiced time entries")
