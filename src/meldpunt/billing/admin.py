"""Admin for billing. Issued invoices and their lines are read-only: corrections are credit
notes (the action below), never edits."""

from django.contrib import admin, messages
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meldpunt.billing.models import Budget, Invoice, InvoiceLine, TimeEntry, VendorProfile
from meldpunt.billing.services import credit_invoice
from meldpunt.billing.wording import entry_words
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.core.billing import BillingError


@admin.register(VendorProfile)
class VendorProfileAdmin(admin.ModelAdmin):
    list_display = ["vendor", "name", "vat_number", "iban"]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["agreement", "approved", "warn_percent"]
    autocomplete_fields = ["agreement"]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "ticket", "agent", "started_at", "minutes", "billable", "billed_minutes", "rate", "amount"]
    list_filter = ["billable"]
    readonly_fields = ["billed_minutes", "unit_minutes", "amount", "explanation", "idempotency_key"]
    raw_id_fields = ["ticket"]

    @admin.display(description=_("explanation"))
    def explanation(self, obj: TimeEntry) -> str:
        """Worded now, in the admin's language (the entry keeps facts, not a sentence)."""
        agreement = obj.ticket.agreement if obj.pk else None
        return entry_words(obj, agreement.catalog.parsed().currency if agreement else "EUR")

    def has_change_permission(self, request, obj=None):
        return False  # book through the desk so the catalog's rounding applies


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["position", "description", "quantity", "unit_price", "amount", "source_type", "source"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "organisation", "period", "currency", "net", "vat", "total", "status"]
    list_filter = ["vendor", "kind", "status", "period"]
    search_fields = ["number", "organisation__name"]
    inlines = [LineInline]
    actions = ["credit_in_full", "mark_sent", "mark_paid"]
    readonly_fields = [f.name for f in Invoice._meta.fields if f.name != "status"]

    def has_add_permission(self, request):
        return False  # invoices come from the monthly run

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.save(update_fields=["status"])

    @admin.action(description=_("Credit selected invoices in full"))
    def credit_in_full(self, request, queryset):
        for invoice in queryset:
            try:
                with translation.override(invoice.language):  # the reason is printed on the customer's credit note
                    reason = str(_("Credited in full by %(user)s") % {"user": request.user})
                note = credit_invoice(invoice=invoice, reason=reason)
                self.message_user(request, _("%(note)s credits %(invoice)s") % {"note": note, "invoice": invoice})
            except BillingError as exc:
                self.message_user(request, billing_error_words(exc), messages.WARNING)

    @admin.action(description=_("Mark as sent"))
    def mark_sent(self, request, queryset):
        for invoice in queryset:
            invoice.status = "sent"
            invoice.save(update_fields=["status"])

    @admin.action(description=_("Mark as paid"))
    def mark_paid(self, request, queryset):
        for invoice in queryset:
            invoice.status = "paid"
            invoice.save(update_fields=["status"])
