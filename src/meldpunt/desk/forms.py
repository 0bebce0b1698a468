"""Forms of the agent desk: they check the shape of the input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.billing.forms import BookTimeForm
from meldpunt.desk.macros import PLACEHOLDERS
from meldpunt.desk.models import NAME_LENGTH, QUERY_LENGTH
from meldpunt.tickets.models import STATUS_CHOICES


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=NAME_LENGTH)
    shared = forms.BooleanField(label=_("Share with the team"), required=False,
                                help_text=_("Every colleague sees a shared view; only you can change it."))
    query = forms.CharField(required=False, max_length=QUERY_LENGTH * 2, widget=forms.HiddenInput)


class EditViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=NAME_LENGTH)
    shared = forms.BooleanField(label=_("Share with the team"), required=False)


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH)
    body_nl = forms.CharField(label=_("Text in Dutch"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    body_en = forms.CharField(label=_("Text in English"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    set_status = forms.ChoiceField(label=_("Then set the status to"), required=False,
                                   choices=[("", _("(leave as it is)"))] + STATUS_CHOICES)
    internal_note = forms.BooleanField(label=_("Internal note instead of a reply"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = " ".join("{" + p + "}" for p in PLACEHOLDERS)
        self.fields["body_nl"].help_text = _("Placeholders: %(names)s") % {"names": names}

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("body_nl", "").strip() or data.get("body_en", "").strip()):
            raise forms.ValidationError(_("Write the text in Dutch, in English or in both."))
        return data


class TimerBookForm(BookTimeForm):
    """The billing app's booking form, with the fields the timer fills hidden."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "time")
        super().__init__(*args, **kwargs)
        self.fields["started_at"].widget = forms.HiddenInput()
