from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import (
    Agreement,
    AgreementAddon,
    CatalogVersion,
    ClosedDay,
    Contact,
    Organisation,
)
from meldpunt.contracts.services import check_limits, validate_agreement


@admin.register(CatalogVersion)
class CatalogVersionAdmin(admin.ModelAdmin):
    list_display = ["vendor", "name", "version", "loaded_at"]
    readonly_fields = ["vendor", "name", "version", "digest", "loaded_at", "source"]
    list_filter = ["vendor"]

    def has_change_permission(self, request, obj=None):
        return False  # a signed catalog version never changes; load a new version instead


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    """Adding or removing a closed day moves the open clocks on that calendar, in the background."""

    list_display = ["date", "vendor", "calendar", "reason"]
    list_filter = ["vendor", "calendar"]

    def _recompute(self, request, obj):
        from meldpunt.escalation.tasks import recompute_calendar

        recompute_calendar.enqueue(vendor=obj.vendor, calendar=obj.calendar, days=[obj.date.isoformat()])
        messages.info(request, _("Open clocks on this calendar are being recomputed in the background."))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._recompute(request, obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute(request, obj)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "created_at"]
    search_fields = ["name"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organisation", "is_coordinator", "language"]
    list_filter = ["is_coordinator", "language"]
    search_fields = ["name", "email", "organisation__name"]


class AddonInline(admin.TabularInline):
    model = AgreementAddon
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["code", "organisation", "catalog", "package", "starts_on", "ends_on", "limit_flags"]
    list_filter = ["catalog__vendor", "package"]
    search_fields = ["code", "organisation__name"]
    inlines = [AddonInline]

    @admin.display(description=_("limits"))
    def limit_flags(self, obj):
        excess = check_limits(obj)
        return "; ".join(str(e) for e in excess) or "✓"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        agreement = form.instance
        for problem in validate_agreement(agreement):
            messages.error(request, problem)
        for excess in check_limits(agreement):
            messages.warning(request, _("Limit exceeded: %(excess)s") % {"excess": excess})
