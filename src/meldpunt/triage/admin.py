from django.contrib import admin

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
    list_display = ["agreement", "saturday", "state", "engineer"]
    list_filter = ["state"]


@admin.register(RemoteConsent)
class RemoteConsentAdmin(admin.ModelAdmin):
    list_display = ["ticket", "authorised_by", "present", "recorded_by", "recorded_at"]
    raw_id_fields = ["ticket"]
