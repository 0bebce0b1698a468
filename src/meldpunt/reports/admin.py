from django.contrib import admin

from meldpunt.reports.models import ReportDelivery


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ("organisation", "period", "sent_to", "sent_at")
    list_filter = ("period",)
    readonly_fields = ("organisation", "period", "sent_to", "sent_at")

    def has_add_permission(self, request):
        """A delivery records a mail that went out (reports.services); none is made by hand."""
        return False
