"""What the history import (:mod:`meldpunt.history.services`) brought in: one row per
ticket of another desk, written in the same transaction as the request it became. It is the
import's checkpoint (a ticket with a row is done: an interrupted run resumes after it, a
second run skips it) and the external reference (the old desk's number beside Meldpunt's)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.tickets.models import Ticket


class ImportedTicket(models.Model):
    #: The old desk: its API's base address (``https://desk.example.com/api``), normalised.
    source = models.CharField(_("source"), max_length=300)
    source_number = models.PositiveBigIntegerField(_("number in the source"))
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="imported_from", verbose_name=_("request"))
    source_status = models.CharField(_("status in the source"), max_length=40, blank=True)
    source_queue = models.CharField(_("queue in the source"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("originally received"))
    messages = models.PositiveIntegerField(_("follow-ups"), default=0)
    attachments = models.PositiveIntegerField(_("attachments"), default=0)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported ticket")
        verbose_name_plural = _("imported tickets")
        ordering = ["source", "source_number"]
        constraints = [models.UniqueConstraint(fields=["source", "source_number"], name="imported_once")]

    def __str__(self) -> str:
        return f"{self.source} #{self.source_number} → #{self.ticket_id}"
