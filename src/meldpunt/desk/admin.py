from django.contrib import admin

from meldpunt.desk.models import Macro, SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "shared", "query", "created_at")
    list_filter = ("shared",)
    search_fields = ("name", "owner__username")
    readonly_fields = ("query",)  # saved from the queue page, normalised by desk.services


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ("name", "set_status", "internal_note", "updated_at")
    search_fields = ("name", "body_nl", "body_en")
