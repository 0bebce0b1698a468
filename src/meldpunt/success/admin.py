from django import forms
from django.contrib import admin

from meldpunt.success.models import SuccessManager
from meldpunt.success.services import refusal, watch_requests


class SuccessManagerForm(forms.ModelForm):
    """Refuses an agreement whose package lacks the entitlement, and a user who is not staff."""

    class Meta:
        model = SuccessManager
        fields = ["agreement", "user"]

    def clean(self):
        data = super().clean()
        if data.get("agreement") is not None and data.get("user") is not None:
            reason = refusal(data["agreement"], data["user"])
            if reason:
                raise forms.ValidationError(reason)
        return data


@admin.register(SuccessManager)
class SuccessManagerAdmin(admin.ModelAdmin):
    """Staff name an agreement's manager (the form refuses what the service refuses); the
    manager then watches the agreement's open requests."""

    form = SuccessManagerForm
    list_display = ("agreement", "user", "named_at")
    search_fields = ("agreement__code", "agreement__organisation__name", "user__username")
    autocomplete_fields = ("agreement",)
    list_select_related = ("agreement__organisation", "user")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        watch_requests(obj)
