from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.teams.models import Team


class TeamChoiceForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.order_by("name"),
                                  empty_label=_("(no team)"))
