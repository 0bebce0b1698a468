from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import LANGUAGE_CHOICES
from meldpunt.notifications.models import KIND_CHOICES


class SettingsForm(forms.Form):
    in_app = forms.MultipleChoiceField(label=_("Show in the app"), choices=KIND_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    by_mail = forms.MultipleChoiceField(label=_("Send by mail"), choices=KIND_CHOICES, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(label=_("Language of the mail"), choices=LANGUAGE_CHOICES)
