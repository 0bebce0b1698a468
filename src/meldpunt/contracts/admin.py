from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts import addresses
from meldpunt.contracts.models import (
    Agreement,
    AgreementAddon,
    CatalogVersion,
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


class ContactFormSet(BaseInlineFormSet):
    """Two new rows with one address are refused here (each row alone checks the others)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if "email" not in form.changed_data or form.cleaned_data.get("DELETE") or not form.cleaned_data.get("email"):
                continue
            address = addresses.normalise(form.cleaned_data["email"])
            if address in seen:
                raise ValidationError(addresses.IN_USE, code="address_in_use")
            seen.add(address)


class ContactInline(admin.TabularInline):
    model = Contact
    formset = ContactFormSet
    extra = 0


class SharedAddressFilter(admin.SimpleListFilter):
    """The contacts that still share an address (from before addresses were unique)."""

    title = _("shares its address")
    parameter_name = "shared"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.alias(address=Lower("email")).filter(address__in=addresses.shared_addresses(Contact.objects.all()))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "language", "created_at"]
    search_fields = ["name", "number"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organisation", "is_coordinator", "language", "duplicate_address"]
    list_filter = [SharedAddressFilter, "is_coordinator", "language"]
    search_fields = ["name", "email", "organisation__name"]
    readonly_fields = ["duplicate_address"]


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
