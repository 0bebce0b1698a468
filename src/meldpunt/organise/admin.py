from django import forms
from django.contrib import admin

from meldpunt.organise.models import Tag, TicketLink
from meldpunt.organise.services import OrganiseError, normalise_tag


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self):
        try:
            return normalise_tag(self.cleaned_data["name"])
        except OrganiseError as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Rename or delete a tag for everyone; agents create one by using it on a request."""

    form = TagForm
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(TicketLink)
class TicketLinkAdmin(admin.ModelAdmin):
    """Read only: links are made and removed on the ticket page (or the API), which logs
    them on both requests; a merge's link is history."""

    list_display = ("source", "target", "kind", "created_by", "created_at")
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
