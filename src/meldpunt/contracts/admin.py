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
from meldpunt.contracts.selectors import named_units_mismatches
from meldpunt.contracts.services import addon_problems, check_limits, named_units_problem, validate_agreement


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


class AddonFormSet(BaseInlineFormSet):
    """An add-on paid per named unit (seed 004: Koppeling per integration) names exactly as
    many units as its quantity; a mismatch is refused on the row, with the reason."""

    def clean(self):
        super().clean()
        agreement = self.instance
        if agreement is None or agreement.catalog_id is None:
            return
        addons = agreement.catalog.parsed().addons
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or data.get("addon") not in addons:
                continue
            problem = named_units_problem(addons[data["addon"]], data.get("quantity") or 0, data.get("names") or [])
            if problem:
                form.add_error("names", problem)


class AddonInline(admin.TabularInline):
    model = AgreementAddon
    formset = AddonFormSet
    extra = 0


class NamedUnitsFilter(admin.SimpleListFilter):
    """Agreements whose add-ons paid per named unit name more or fewer units than they pay
    for (seed 004: Koppeling per integration), e.g. from before the rule was checked."""

    title = _("named add-ons")
    parameter_name = "named_units"

    def lookups(self, request, model_admin):
        return [("mismatch", _("Do not match the quantity"))]

    def queryset(self, request, queryset):
        if self.value() != "mismatch":
            return queryset
        return queryset.filter(pk__in=list(named_units_mismatches(queryset)))


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["code", "organisation", "catalog", "package", "starts_on", "ends_on", "limit_flags", "addon_flags"]
    list_filter = ["catalog__vendor", "package", NamedUnitsFilter]
    search_fields = ["code", "organisation__name"]
    inlines = [AddonInline]

    @admin.display(description=_("limits"))
    def limit_flags(self, obj):
        excess = check_limits(obj)
        return "; ".join(str(e) for e in excess) or "✓"

    @admin.display(description=_("add-ons"))
    def addon_flags(self, obj):
        return "; ".join(addon_problems(obj)) or "✓"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        agreement = form.instance
        for problem in validate_agreement(agreement):
            messages.error(request, problem)
        for excess in check_limits(agreement):
            messages.warning(request, _("Limit exceeded: %(excess)s") % {"excess": excess})
