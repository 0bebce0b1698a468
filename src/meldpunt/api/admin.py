"""API tokens in the admin: adding one makes a real token and shows its value once, on the
page right after saving (never stored, never shown again); afterwards only the name, the
expiry and the revocation can change."""

from django.contrib import admin
from django.template.response import TemplateResponse

from meldpunt.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["name", "prefix", "user__username"]
    raw_id_fields = ["user"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "prefix", "created_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            request._issued_token = obj.set_new_value()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_issued_token", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        return TemplateResponse(request, "admin/api/apitoken/issued.html", {
            **self.admin_site.each_context(request), "token": obj, "raw": raw, "opts": self.opts,
            "title": obj.name,
        })
