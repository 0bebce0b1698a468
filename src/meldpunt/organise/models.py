"""Tags on requests and links between requests (issue 19 item 6).

A tag is a short lower-case word the desk puts on requests (``billing``, ``upgrade-2026``);
staff create one by using it. A link ties two requests together: *related* (shown on
both, either may have been first) or *duplicate* (``source`` was merged into ``target``,
:func:`meldpunt.organise.merging.merge`). Customers see neither.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from meldpunt.tickets.models import Ticket

TAG_LENGTH = 40

LINK_KINDS = [("related", _("Related")), ("duplicate", _("Merged duplicate"))]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=TAG_LENGTH, unique=True,
                            help_text=_("Lower case, no spaces: letters, digits, '-', '_' and '.'."))
    tickets = models.ManyToManyField(Ticket, through="TicketTag", related_name="tags", verbose_name=_("tickets"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_once")]

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket"))
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", verbose_name=_("tag"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag on a ticket")
        verbose_name_plural = _("tags on tickets")
        constraints = [models.UniqueConstraint(fields=["tag", "ticket"], name="ticket_tag_once")]
        indexes = [models.Index(fields=["ticket"], name="ticket_tag_ticket")]


class TicketLink(models.Model):
    """Two requests that belong together. A related pair is stored once, lower number first;
    a duplicate points from the merged request to the one it went into."""

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("from"))
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in", verbose_name=_("to"))
    kind = models.CharField(_("kind"), max_length=20, choices=LINK_KINDS, default="related")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("link between tickets")
        verbose_name_plural = _("links between tickets")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="ticket_link_once"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="ticket_link_not_itself"),
        ]
        indexes = [models.Index(fields=["target"], name="ticket_link_target")]

    def __str__(self) -> str:
        return f"#{self.source_id} → #{self.target_id} ({self.kind})"
