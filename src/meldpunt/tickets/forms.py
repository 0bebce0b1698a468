"""Forms for changing a ticket: they check the shape of the input; ``tickets.services`` decides.

The console page (``web``) and the desk's reply templates (``desk.panels``) fill the same
reply form, so it lives here, below both.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.tickets.models import STATUS_CHOICES


class VersionForm(forms.Form):
    """Carries the ticket version the page was rendered with (a stale save is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReplyForm(VersionForm):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    visibility = forms.ChoiceField(label=_("Send as"), initial="public", widget=forms.RadioSelect, choices=[
        ("public", _("Reply to the customer")), ("note", _("Internal note"))])
    then_status = forms.ChoiceField(label=_("Then set the status to"), required=False,
                                    choices=[("", _("(leave as it is)"))] + STATUS_CHOICES)
