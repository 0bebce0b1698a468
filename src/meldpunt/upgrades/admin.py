from django.contrib import admin

from meldpunt.upgrades.models import ProductVersion


@admin.register(ProductVersion)
class ProductVersionAdmin(admin.ModelAdmin):
    """Staff record which version of each product a customer runs (seed 000: the yearly
    upgrade reminder counts from ``since``)."""

    list_display = ["agreement", "product", "version", "since"]
    list_filter = ["agreement__catalog__vendor", "product"]
    search_fields = ["agreement__code", "agreement__organisation__name", "product", "version"]
    autocomplete_fields = ["agreement"]
