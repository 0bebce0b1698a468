"""Availability, bookings, the units they occupy and their reminders (issue 10).

No double booking lives in the database, not only in a check: a booking inserts one
:class:`BookedUnit` per 30 minutes it occupies, unique per agent and unit start, in the
booking transaction. Two people clicking the same slot at once both insert; the database
lets one commit and refuses the other. A reminder is a unique row per booking and start,
so it goes out once however often the reminder job runs.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import LANGUAGE_CHOICES, Agreement, Contact, Organisation
from meldpunt.tickets.models import Ticket

MONEY = {"max_digits": 14, "decimal_places": 2}

WEEKDAY_CHOICES = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]


class Availability(models.Model):
    """Hours an agent takes sessions for a vendor: every week on a weekday, or on one date."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability", verbose_name=_("agent"))
    vendor = models.CharField(_("vendor"), max_length=40, db_index=True)
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True, choices=WEEKDAY_CHOICES)
    on_date = models.DateField(_("date"), null=True, blank=True)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    hourly_rate = models.DecimalField(
        _("hourly rate"), null=True, blank=True, **MONEY,
        help_text=_("Empty: the catalog's rate."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        ordering = ["vendor", "agent", "on_date", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(weekday__isnull=False) & Q(on_date__isnull=True))
                | (Q(weekday__isnull=True) & Q(on_date__isnull=False)),
                name="availability_weekly_or_dated"),
            models.CheckConstraint(condition=Q(starts__lt=models.F("ends")), name="availability_starts_before_end"),
        ]

    def __str__(self) -> str:
        when = self.on_date.isoformat() if self.on_date else self.get_weekday_display()
        return f"{self.agent} {when} {self.starts:%H:%M}–{self.ends:%H:%M}"


STATUS_CHOICES = [
    ("confirmed", _("Confirmed")),
    ("cancelled", _("Cancelled")),
    ("done", _("Held")),
]


class Booking(models.Model):
    vendor = models.CharField(_("vendor"), max_length=40, db_index=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="session_bookings", verbose_name=_("agent"))
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("organisation"))
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("agreement"))
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings", verbose_name=_("contact"))
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    topic = models.CharField(_("topic"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings", verbose_name=_("about request"))
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    minutes = models.PositiveIntegerField(_("booked minutes"))
    rate = models.DecimalField(_("hourly rate"), default=Decimal("0.00"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, default="confirmed", db_index=True)
    sequence = models.PositiveIntegerField(_("invite sequence"), default=0, help_text=_("Raised on every change of the invite (iCalendar SEQUENCE)."))
    scheduled_at = models.DateTimeField(_("scheduled at"), help_text=_("When the current start was set (booked or moved)."))
    uid = models.CharField(_("invite UID"), max_length=120, unique=True)
    site_url = models.CharField(_("site address"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_late = models.BooleanField(_("cancelled late"), default=False)
    actual_minutes = models.PositiveIntegerField(_("actual minutes"), null=True, blank=True)
    session_ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("billing request"))
    time_entry = models.OneToOneField("billing.TimeEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="booking", verbose_name=_("time entry"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: Its mail in the one outbox (kind ``booking_…``); deleted with the booking.
    mails = GenericRelation("intake.OutboundMail", content_type_field="about_type", object_id_field="about_id",
                            related_query_name="booking")

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["organisation", "starts_at"], name="booking_org_start"),
                   models.Index(fields=["agent", "starts_at"], name="booking_agent_start")]

    def __str__(self) -> str:
        return f"{self.reference} {self.topic}"

    @property
    def reference(self) -> str:
        return f"B-{self.pk:05d}" if self.pk else "B-?"

    @property
    def cost(self) -> Decimal:
        """What the booking costs: billed time (held or late fee) or the estimate while open."""
        if self.time_entry_id:
            return self.time_entry.amount
        if self.status == "confirmed":
            return (self.rate * self.minutes / 60).quantize(Decimal("0.01"))
        return Decimal("0.00")


class BookedUnit(models.Model):
    """One 30-minute unit of an agent's time held by a booking (database-enforced exclusivity)."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("agent"))
    starts_at = models.DateTimeField(_("unit start"))
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="units", verbose_name=_("booking"))

    class Meta:
        verbose_name = _("booked unit")
        verbose_name_plural = _("booked units")
        constraints = [models.UniqueConstraint(fields=["agent", "starts_at"], name="agent_unit_booked_once")]


class Reminder(models.Model):
    """A reminder sent for a booking's start; unique, so the job sends each once."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("booking"))
    starts_at = models.DateTimeField(_("session start"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["booking", "starts_at"], name="reminder_once_per_start")]
