from django.contrib import admin

from meldpunt.organise.models import Tag, TicketLink


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Rename or delete a tag for everyone; a tag is created by using it on a request."""

    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(TicketLink)
class TicketLinkAdmin(admin.ModelAdmin):
    list_display = ("source", "target", "kind", "created_by", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("source", "target")
    readonly_fields = ("source", "target", "kind", "created_by")
