"""A customer's rating of how a request was handled (issue 19 item 8): good or bad, with an
optional comment, one per request. A later rating within the window replaces it; every
rating and change is also in the ticket's event log."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import Contact
from meldpunt.tickets.models import Ticket

SCORE_CHOICES = [("good", _("Good")), ("bad", _("Bad"))]
CHANNEL_CHOICES = [("mail", _("Link in the mail")), ("portal", _("Portal"))]


class Rating(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating", verbose_name=_("ticket"))
    score = models.CharField(_("rating"), max_length=4, choices=SCORE_CHOICES)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings",
                                verbose_name=_("rated by"))
    channel = models.CharField(_("given through"), max_length=10, choices=CHANNEL_CHOICES, default="mail")
    rated_at = models.DateTimeField(_("rated at"), db_index=True)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.score}"
