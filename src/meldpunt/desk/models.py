"""What agents keep for their own work at the console: saved queue views and reply
templates (macros). Neither is customer data; both are vendor-staff only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from meldpunt.tickets.models import STATUS_CHOICES

NAME_LENGTH = 60
QUERY_LENGTH = 500


class SavedView(models.Model):
    """A queue filter and sort under a name. ``query`` is the normalised query string of
    ``/console/`` (known parameters only, in a fixed order), so equal views compare equal."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views",
                              verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    query = models.CharField(_("query"), max_length=QUERY_LENGTH, blank=True)
    shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = [Lower("name"), "id"]
        constraints = [models.UniqueConstraint(Lower("name"), "owner", name="saved_view_name_per_owner")]

    def __str__(self) -> str:
        return self.name


class Macro(models.Model):
    """A reply template in Dutch and English; applying it may also set a status or make the
    message an internal note. Placeholders such as ``{ticket}`` are filled when it is used."""

    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    body_nl = models.TextField(_("text in Dutch"), blank=True, max_length=10000)
    body_en = models.TextField(_("text in English"), blank=True, max_length=10000)
    set_status = models.CharField(_("then set the status to"), max_length=20, blank=True, choices=STATUS_CHOICES)
    internal_note = models.BooleanField(_("internal note"), default=False,
                                        help_text=_("Insert as an internal note instead of a reply to the customer."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = [Lower("name"), "id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="macro_name_unique")]

    def __str__(self) -> str:
        return self.name

    def text_for(self, language: str) -> tuple[str, str]:
        """(text, its language): the text in ``language``, else the other one (a macro may
        have only one)."""
        texts = {"nl": self.body_nl, "en": self.body_en}
        other = "en" if language == "nl" else "nl"
        return (texts[language], language) if texts.get(language, "").strip() else (texts[other], other)
