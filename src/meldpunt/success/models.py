"""The customer success manager named on an agreement (seed 003, Xtreme Elite).

Seed 003: "U krijgt een Customer Success Manager (CSM) toegewezen. De Dedicated Customer
Success Manager houdt contact met de betreffende medewerkers van uw bedrijf en Infor om erop
toe te zien dat problemen adequaat worden opgelost." Only an agreement whose package (with
its add-ons) grants the entitlement ``dedicated_csm`` may name one
(:func:`meldpunt.success.services.name_manager`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import Agreement


class SuccessManager(models.Model):
    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="success_manager",
                                     verbose_name=_("agreement"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="managed_agreements",
                             verbose_name=_("customer success manager"), limit_choices_to={"is_staff": True})
    named_at = models.DateTimeField(_("named at"), auto_now=True)

    class Meta:
        verbose_name = _("customer success manager")
        verbose_name_plural = _("customer success managers")
        ordering = ["agreement__code"]

    def __str__(self) -> str:
        return f"{self.agreement.code}: {self.user.get_full_name() or self.user.username}"
