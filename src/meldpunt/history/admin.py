from django.contrib import admin

from meldpunt.history.models import ImportedTicket


@admin.register(ImportedTicket)
class ImportedTicketAdmin(admin.ModelAdmin):
    list_display = ["source_number", "ticket", "source_status", "source_queue", "received_at", "imported_at"]
    list_filter = ["source", "source_status"]
    search_fields = ["=source_number", "=ticket__id"]
    readonly_fields = ["source", "source_number", "ticket", "source_status", "source_queue", "received_at",
                       "messages", "attachments", "imported_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
