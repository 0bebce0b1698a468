"""What the reports app stores: which quarterly report went to whom (sent once per period)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import Organisation


class ReportDelivery(models.Model):
    """An evaluation report mailed to a coordinator; one per organisation and period."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="report_deliveries", verbose_name=_("organisation"))
    period = models.CharField(_("period"), max_length=10)
    sent_to = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "period"], name="report_sent_once_per_period")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period} → {self.sent_to}"
