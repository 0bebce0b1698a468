"""Alert state, in-app notifications, scheduler slots, worker heartbeats.

Each table carries the unique constraint that makes its job safe with several processes:
an alert fires once per clock and point, a notification once per alert and person, a
scheduled job once per slot. A notification's mail is a row in the one outbox
(``intake.OutboundMail``, kind ``staff_alert``) whose unique ``dedupe_key`` mails it once. The tickets app is not changed; alerts point at its clocks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.tickets.models import Clock, Ticket

ROLE_CHOICES = [
    ("assignee", _("Assignee")),
    ("team_lead", _("Team lead")),
    ("support_manager", _("Support manager")),
]
ALERT_KINDS = [("warning", _("Warning")), ("breach", _("Breach"))]


class Duty(models.Model):
    """Who is a vendor's team lead or support manager (the assignee comes from the ticket)."""

    vendor = models.CharField(_("vendor"), max_length=40)
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES[1:])
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duties", verbose_name=_("user"))

    class Meta:
        verbose_name = _("escalation duty")
        verbose_name_plural = _("escalation duties")
        constraints = [models.UniqueConstraint(fields=["vendor", "role", "user"], name="duty_once")]

    def __str__(self) -> str:
        return f"{self.vendor} {self.get_role_display()}: {self.user}"


class ClockAlert(models.Model):
    """A warning point or breach step reached by a clock; the unique key makes it fire once."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("clock"))
    kind = models.CharField(_("kind"), max_length=10, choices=ALERT_KINDS)
    point = models.CharField(_("point"), max_length=40, help_text=_("e.g. 80% or 30m (warnings), team_lead+60m (breach steps)"))
    due_at = models.DateTimeField(_("due at"))
    fired_at = models.DateTimeField(_("fired at"), auto_now_add=True)
    scan = models.CharField(_("scan"), max_length=32, help_text=_("The scan that fired it."))

    class Meta:
        verbose_name = _("clock alert")
        verbose_name_plural = _("clock alerts")
        constraints = [models.UniqueConstraint(fields=["clock", "kind", "point"], name="clock_alert_once")]
        indexes = [models.Index(fields=["scan"], name="clock_alert_scan")]

    def __str__(self) -> str:
        return f"{self.kind} {self.point} on {self.clock}"


class Notification(models.Model):
    """An in-app message for one member of staff."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user"))
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("ticket"))
    alert = models.ForeignKey(ClockAlert, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("alert"))
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    text = models.CharField(_("text"), max_length=400)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    #: Its mail in the one outbox (kind ``staff_alert``, at most one: ``dedupe_key``).
    mails = GenericRelation("intake.OutboundMail", content_type_field="about_type", object_id_field="about_id",
                            related_query_name="notification")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="notification_once")]
        indexes = [models.Index(fields=["user", "read_at", "-id"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.text


class ScanMark(models.Model):
    """Up to when the alert scan has looked (its next run starts a little before it)."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    scanned_until = models.DateTimeField(_("scanned until"))

    class Meta:
        verbose_name = _("scan mark")
        verbose_name_plural = _("scan marks")


class ScheduledRun(models.Model):
    """One periodic job in one time slot, enqueued once however many schedulers run."""

    job = models.CharField(_("job"), max_length=60)
    slot = models.DateTimeField(_("slot"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once")]
        ordering = ["-slot"]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"


class WorkerBeat(models.Model):
    """A task worker's heartbeat; a stale one means the worker died and its jobs go back."""

    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=200)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
