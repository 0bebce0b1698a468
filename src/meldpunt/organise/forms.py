"""Forms of the organise panels and the queue's bulk actions: shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from meldpunt.organise.bulk import ACTIONS, MAX_ROWS
from meldpunt.organise.models import TAG_LENGTH
from meldpunt.teams.models import Team
from meldpunt.tickets.models import STATUS_CHOICES
from meldpunt.widgets import QuickSelect, plain_options

#: The largest request number a form takes (the database's 64-bit key).
MAX_NUMBER = 2**63 - 1


class TagForm(forms.Form):
    tag = forms.CharField(label=_("Add a tag"), max_length=TAG_LENGTH)


class NumberForm(forms.Form):
    """Another request by its number (link, unlink, merge)."""

    number = forms.IntegerField(label=_("Request number"), min_value=1, max_value=MAX_NUMBER)
    version = forms.IntegerField(required=False, min_value=1, max_value=MAX_NUMBER, widget=forms.HiddenInput)


class BulkForm(forms.Form):
    """The queue's bulk actions: the selected rows (``tickets``), what to do, and the value
    for it from the field that belongs to the action."""

    tickets = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    action = forms.ChoiceField(label=_("With the selected requests"), choices=[("", "–")] + list(ACTIONS.items()),
                               widget=QuickSelect)
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), required=False, empty_label=_("(nobody)"),
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username"),
        widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "–")] + STATUS_CHOICES,
                               widget=QuickSelect)
    priority = forms.CharField(label=_("Priority"), required=False, max_length=20)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=TAG_LENGTH)
    team = forms.ModelChoiceField(label=_("Team"), required=False, empty_label=_("(no team)"),
                                  queryset=Team.objects.order_by("name"), widget=QuickSelect)
    reason = forms.CharField(label=_("Reason (priority)"), required=False, max_length=300)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        plain_options(self.fields["assignee"], get_user_model().USERNAME_FIELD)
        plain_options(self.fields["team"], "name")

    def clean_tickets(self):
        raw = self.cleaned_data.get("tickets") or []
        raw = raw if isinstance(raw, list) else [raw]
        ids = []
        for value in raw[: MAX_ROWS + 1]:
            if not str(value).isdigit() or not 0 < int(value) <= MAX_NUMBER:
                raise forms.ValidationError(_("Not a request number: %(value)s") % {"value": str(value)[:20]})
            ids.append(int(value))
        if not ids:
            raise forms.ValidationError(_("Select at least one request."))
        return ids

    def value(self) -> str:
        data, action = self.cleaned_data, self.cleaned_data["action"]
        if action == "assign":
            return str(data["assignee"].pk) if data.get("assignee") else ""
        if action == "team":
            return str(data["team"].pk) if data.get("team") else ""
        if action in ("tag", "untag"):
            return data.get("tag") or ""
        return data.get(action) or ""
