"""The versions a customer runs, per agreement (seed 000: upgrade at least once a year)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import Agreement


class ProductVersion(models.Model):
    """One product the customer runs under an agreement, at one version since one day.

    Recording a newer version (an upgrade) replaces the row's version and day, so the
    yearly reminder counts from the upgrade (:mod:`meldpunt.upgrades.services`)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="product_versions",
                                  verbose_name=_("agreement"))
    product = models.CharField(_("product"), max_length=120)
    version = models.CharField(_("version"), max_length=60)
    since = models.DateField(_("in use since"), help_text=_("The day this version was installed or upgraded to."))

    class Meta:
        verbose_name = _("customer product version")
        verbose_name_plural = _("customer product versions")
        ordering = ["agreement", "product"]
        constraints = [models.UniqueConstraint(fields=["agreement", "product"], name="one_version_per_product")]

    def __str__(self) -> str:
        return f"{self.product} {self.version}"
