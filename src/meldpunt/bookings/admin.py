"""Admin for bookings: availability is editable; bookings change through the desk's services."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from meldpunt.bookings.models import Availability, Booking
from meldpunt.intake.models import OutboundMail


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ["agent", "vendor", "weekday", "on_date", "starts", "ends", "hourly_rate"]
    list_filter = ["vendor", "weekday"]


class MailInline(GenericTabularInline):
    """The booking's mail, from the one outbox."""

    model = OutboundMail
    ct_field, ct_fk_field = "about_type", "about_id"
    extra = 0
    can_delete = False
    fields = ["kind", "to", "subject", "sent_at", "attempts", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["id", "starts_at", "minutes", "agent", "name", "organisation", "status", "actual_minutes"]
    list_filter = ["status", "vendor"]
    search_fields = ["name", "email", "topic", "organisation__name"]
    inlines = [MailInline]

    def has_change_permission(self, request, obj=None):
        return False  # book, move and cancel through the desk so slots and mail stay right

    def has_add_permission(self, request):
        return False
