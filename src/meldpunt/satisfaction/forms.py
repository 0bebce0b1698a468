from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.satisfaction.models import SCORE_CHOICES
from meldpunt.satisfaction.services import MAX_COMMENT


class RatingForm(forms.Form):
    score = forms.ChoiceField(label=_("How did we do?"), choices=SCORE_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=MAX_COMMENT,
                              widget=forms.Textarea(attrs={"rows": 3}))
