from django.contrib import admin

from meldpunt.escalation.models import (
    ClockAlert,
    Duty,
    Notification,
    ScheduledRun,
    WorkerBeat,
)


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["vendor", "role", "user"]
    list_filter = ["vendor", "role"]


class ReadOnly(admin.ModelAdmin):
    """Written by the scan, the scheduler and the workers; shown, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ClockAlert)
class ClockAlertAdmin(ReadOnly):
    list_display = ["clock", "kind", "point", "due_at", "fired_at"]
    list_filter = ["kind", "point"]
    raw_id_fields = ["clock"]


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["user", "text", "role", "created_at", "read_at"]
    list_filter = ["role"]
    raw_id_fields = ["ticket", "alert"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnly):
    list_display = ["job", "slot", "enqueued_at", "task_id"]
    list_filter = ["job"]


@admin.register(WorkerBeat)
class WorkerBeatAdmin(ReadOnly):
    list_display = ["worker_id", "host", "pid", "started_at", "seen_at"]
