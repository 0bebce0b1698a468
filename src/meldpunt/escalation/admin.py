from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import ClosedDay
from meldpunt.escalation.models import (
    ClockAlert,
    Duty,
    Notification,
    ScheduledRun,
    WorkerBeat,
)
from meldpunt.escalation.tasks import recompute_calendar


# The closed days are contracts' data, but a change moves ticket clocks, which escalation
# recomputes: the admin page lives here so that contracts (below) never imports escalation.
@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    """Adding or removing a closed day moves the open clocks on that calendar, in the background."""

    list_display = ["date", "vendor", "calendar", "reason"]
    list_filter = ["vendor", "calendar"]

    def _recompute(self, request, obj):
        recompute_calendar.enqueue(vendor=obj.vendor, calendar=obj.calendar, days=[obj.date.isoformat()])
        messages.info(request, _("Open clocks on this calendar are being recomputed in the background."))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._recompute(request, obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute(request, obj)


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
