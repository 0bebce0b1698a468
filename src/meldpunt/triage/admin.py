from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from meldpunt.triage import weekends
from meldpunt.triage.models import (
    Assessment,
    CategoryRequest,
    LicenceKey,
    Proposal,
    RemoteConsent,
    SpecialWeekend,
)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["ticket", "completeness", "coverage", "assessed_at"]
    list_filter = ["completeness", "coverage"]
    raw_id_fields = ["ticket"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["ticket", "hours", "amount", "currency", "valid_until", "state"]
    list_filter = ["state"]
    raw_id_fields = ["ticket"]
    readonly_fields = ["sent_at", "decided_at", "decided_by"]


@admin.register(CategoryRequest)
class CategoryRequestAdmin(admin.ModelAdmin):
    list_display = ["ticket", "current", "requested", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["ticket"]


@admin.register(LicenceKey)
class LicenceKeyAdmin(admin.ModelAdmin):
    list_display = ["agreement", "product", "version", "sent_to", "issued_at"]
    raw_id_fields = ["ticket"]


@admin.register(SpecialWeekend)
class SpecialWeekendAdmin(admin.ModelAdmin):
    list_display = ["agreement", "saturday", "window", "state", "engineer"]
    list_filter = ["state"]

    @admin.display(description=_("window"))
    def window(self, obj) -> str:
        """The booked window from the agreement's catalog (``saturday`` is its first day)."""
        found = weekends.window_of(obj)
        return f"{found[0]:%Y-%m-%d %H:%M} – {found[1]:%Y-%m-%d %H:%M}" if found else "–"


@admin.register(RemoteConsent)
class RemoteConsentAdmin(admin.ModelAdmin):
    list_display = ["ticket", "authorised_by", "present", "recorded_by", "recorded_at"]
    raw_id_fields = ["ticket"]
