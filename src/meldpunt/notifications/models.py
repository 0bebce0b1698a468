"""What an agent is told (issue 19 item 4): in-app notifications and each agent's settings.

A notification is about a request and says what happened: assigned to the agent, a
customer's reply on a request the agent is assigned to (which may have reopened it, or
started a new request that follows it up), a mention ``@username`` in an internal note, or
an SLA warning or breach step (fired by the escalation app's scan). Its mail is a row in the
one outbox (``intake.OutboundMail``, kind ``agent_notice``; SLA alerts keep ``staff_alert``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import LANGUAGE_CHOICES
from meldpunt.tickets.models import Ticket

KIND_CHOICES = [
    ("assigned", _("A request is assigned to me")),
    ("customer_reply", _("A customer replies on a request assigned to me or that I watch")),
    ("mention", _("Someone mentions me in an internal note")),
    ("sla", _("SLA warnings and breaches")),
]
KINDS = tuple(k for k, _label in KIND_CHOICES)


class Notification(models.Model):
    """One thing one agent is told, in the app; ``read_at`` None while unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_notifications",
                             verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="agent_notifications", verbose_name=_("ticket"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("by"))
    #: An excerpt of the reply or note; for SLA alerts the alert's own sentence.
    text = models.CharField(_("text"), max_length=400, blank=True)
    #: What else the sentence needs: ``reopened``, ``previous`` (the request a follow-up follows).
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent notification")
        verbose_name_plural = _("agent notifications")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "read_at", "-id"], name="agent_notification_inbox")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.ticket_id} for {self.user_id}"


class NotificationSettings(models.Model):
    """Which events an agent hears of in the app and by mail, and in which language the mail
    is written. An agent without a row hears of everything, both ways, in the site's language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_settings", verbose_name=_("user"))
    in_app = models.JSONField(_("in the app"), default=list, blank=True, help_text=_("The kinds shown in the app."))
    by_mail = models.JSONField(_("by mail"), default=list, blank=True, help_text=_("The kinds sent by mail."))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="en")

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


class Watch(models.Model):
    """An agent watches a request (Jira's watchers): a customer's reply on it tells them as
    it tells the assignee. Agents only; customers' followers are the thread's own concern."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches",
                             verbose_name=_("user"))
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="watches", verbose_name=_("ticket"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [models.UniqueConstraint(fields=["user", "ticket"], name="watch_once")]

    def __str__(self) -> str:
        return f"{self.user} watches #{self.ticket_id}"
