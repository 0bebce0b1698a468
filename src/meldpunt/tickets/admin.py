"""Tickets in the admin: for looking and fixing text, not for changing the workflow.

Status, priority (and the impact, urgency and kind it comes from), the agreement and the
dates the clocks run from, and the clocks themselves are read-only here: they change only
through the services (console, portal, API, mail), which write the event and move the clocks.
Tickets are not added here either (a ticket made here would have no clocks).
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import ClosedDay
from meldpunt.tickets import calendars
from meldpunt.tickets.models import Clock, Message, Ticket, TicketEvent


class ClockInline(admin.TabularInline):
    model = Clock
    extra = 0
    readonly_fields = ["metric", "state", "calendar", "target", "started_at", "due_at", "stopped_at", "pauses", "explanation"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    readonly_fields = ["at", "actor", "kind", "data"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "subject", "organisation", "kind", "status", "priority", "received_at"]
    list_filter = ["status", "kind", "priority", "channel"]
    search_fields = ["subject", "organisation__name"]
    readonly_fields = ["status", "priority", "priority_reason", "priority_rank", "impact", "urgency", "kind",
                       "agreement", "received_at", "planned_at", "next_due_at", "triage_state",
                       "version", "created_at", "updated_at"]
    inlines = [ClockInline, MessageInline, EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["at", "ticket", "kind", "actor"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClosedDayForm(forms.ModelForm):
    class Meta:
        model = ClosedDay
        fields = ["vendor", "calendar", "date", "reason"]

    def clean(self):
        data = super().clean()
        if data.get("vendor") and data.get("calendar"):
            try:
                calendars.check_calendar(data["vendor"], data["calendar"])
            except calendars.CalendarError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    """A vendor's closed days (a ``contracts`` model, administered here because every change goes
    through ``tickets.calendars``, which moves the open clocks on that calendar in the background)."""

    form = ClosedDayForm
    list_display = ["date", "vendor", "calendar", "reason"]
    list_filter = ["vendor", "calendar"]

    def save_model(self, request, obj, form, change):
        calendars.save_closed_day(obj, background=True)
        self._recomputing(request)

    def delete_model(self, request, obj):
        calendars.delete_closed_day(obj, background=True)
        self._recomputing(request)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            calendars.delete_closed_day(obj, background=True)
        self._recomputing(request)

    @staticmethod
    def _recomputing(request):
        messages.info(request, _("Open clocks on this calendar are being recomputed in the background."))
