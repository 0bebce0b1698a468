"""Triage by contract (seed 002): the assessment of a request, proposals for advisory work,
category requests (seed 001), licence keys (seed 001), special-event weekends (seed 003)
and remote-access consent. Decisions are also written to the ticket's event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import Agreement, Contact
from meldpunt.tickets.models import Ticket

MONEY = {"max_digits": 14, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class Assessment(models.Model):
    """The automatic completeness and coverage check of a request, with its reasons."""

    OUTCOMES = [("complete", _("Complete")), ("incomplete", _("Incomplete")), ("covered", _("Covered")),
                ("not_covered", _("Not covered")), ("unknown", _("Unknown"))]
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="assessment", verbose_name=_("ticket"))
    completeness = models.CharField(_("completeness"), max_length=20, choices=OUTCOMES, default="unknown")
    missing = models.JSONField(_("missing"), default=list, blank=True)
    coverage = models.CharField(_("coverage"), max_length=20, choices=OUTCOMES, default="unknown")
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    area = models.CharField(_("area"), max_length=40, blank=True, help_text=_("E.g. integration or migration; empty: found from the text."))
    area_name = models.CharField(_("named item"), max_length=120, blank=True, help_text=_("E.g. the integration the request is about."))
    area_scope = models.CharField(_("scope"), max_length=40, blank=True, help_text=_("E.g. standard, custom or third_party."))
    answered_at = models.DateTimeField(_("customer answered at"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), auto_now=True)

    class Meta:
        verbose_name = _("triage assessment")
        verbose_name_plural = _("triage assessments")

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.completeness}, {self.coverage}"


PROPOSAL_STATES = [("draft", _("Draft")), ("sent", _("Sent")), ("approved", _("Approved")),
                   ("declined", _("Declined")), ("expired", _("Expired"))]


class Proposal(models.Model):
    """A quote for advisory work (seed 002): the customer approves before billable work starts."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("ticket"))
    description = models.TextField(_("what we will do"))
    hours = models.DecimalField(_("estimated hours"), max_digits=8, decimal_places=2)
    rate = models.DecimalField(_("hourly rate"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(_("state"), max_length=20, choices=PROPOSAL_STATES, default="draft", db_index=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("drafted by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by"))
    decision_note = models.CharField(_("note with the decision"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        permissions = [("override_proposal", _("Book billable time on an advisory request before its proposal is approved"))]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.hours} h {self.currency} {self.amount} ({self.state})"


class CategoryRequest(models.Model):
    """Seed 001: the customer asks for another category, with a motivation; an agent decides."""

    STATES = [("pending", _("Pending")), ("accepted", _("Accepted")), ("refused", _("Refused"))]
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="category_requests", verbose_name=_("ticket"))
    current = models.CharField(_("category then"), max_length=20)
    requested = models.CharField(_("requested category"), max_length=20)
    motivation = models.TextField(_("motivation"))
    state = models.CharField(_("state"), max_length=20, choices=STATES, default="pending")
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("category request")
        verbose_name_plural = _("category requests")
        ordering = ["-created_at", "-id"]


class LicenceKey(models.Model):
    """Seed 001: every key issued is kept and listed for the coordinator in the portal."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="licence_keys", verbose_name=_("agreement"))
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="licence_keys", verbose_name=_("request"))
    product = models.CharField(_("product"), max_length=120, blank=True)
    version = models.CharField(_("version"), max_length=60)
    key = models.TextField(_("licence key"))
    sent_to = models.EmailField(_("sent to"))
    issued_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("licence key")
        verbose_name_plural = _("licence keys")
        ordering = ["-issued_at", "-id"]


class SpecialWeekend(models.Model):
    """Seed 003 (Xtreme Elite): one weekend a year with support for all urgencies, 24×7."""

    STATES = [("requested", _("Requested")), ("approved", _("Approved")), ("refused", _("Refused")),
              ("cancelled", _("Cancelled"))]
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="special_weekends", verbose_name=_("agreement"))
    saturday = models.DateField(_("Saturday"))
    state = models.CharField(_("state"), max_length=20, choices=STATES, default="requested")
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by"))
    engineer = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="special_weekends", verbose_name=_("assigned engineer"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("special-event weekend")
        verbose_name_plural = _("special-event weekends")
        ordering = ["saturday", "id"]
        indexes = [models.Index(fields=["agreement", "state", "saturday"], name="weekend_agreement_state")]


class RemoteConsent(models.Model):
    """Before a remote session: the customer's authorisation and presence (seeds 001, 003)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="remote_consents", verbose_name=_("ticket"))
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("contact"))
    authorised_by = models.CharField(_("authorised by"), max_length=200)
    authorised = models.BooleanField(_("customer authorised the session"))
    present = models.BooleanField(_("customer present"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("remote-access consent")
        verbose_name_plural = _("remote-access consents")
        ordering = ["-recorded_at", "-id"]
