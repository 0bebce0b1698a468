from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import LANGUAGE_CHOICES
from meldpunt.knowledge.community import vendor_choices
from meldpunt.knowledge.models import IDEA_STATUSES, VISIBILITY_CHOICES


def posted_id(value) -> int:
    """A posted id, or 0 (matches nothing) when it is not a number (no 500 on junk input)."""
    return int(value) if value and str(value).isdigit() else 0


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the knowledge base"), max_length=200, required=False)
    lang = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)


class VendorChoiceForm(forms.Form):
    """Adds a choice of vendor when ``user`` may post in more than one vendor's community
    (their organisation has agreements with several); with one, that one is taken."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = vendor_choices(user) if user is not None and user.is_authenticated else []
        if len(choices) > 1:
            self.fields["vendor"] = forms.ChoiceField(label=_("Vendor"), choices=choices,
                                                      help_text=_("Whose community it is for: only their customers see it."))


class QuestionForm(VendorChoiceForm):
    title = forms.CharField(label=_("Your question in one line"), max_length=300)
    body = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 6}))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}))


class IdeaForm(VendorChoiceForm):
    title = forms.CharField(label=_("Your idea in one line"), max_length=300)
    body = forms.CharField(label=_("What would it make possible?"), widget=forms.Textarea(attrs={"rows": 6}))


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[c for c in IDEA_STATUSES if c[0] != "new"])
    reply = forms.CharField(label=_("Public reply"), widget=forms.Textarea(attrs={"rows": 4}))


class ArticleFromAnswerForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    visibility = forms.ChoiceField(label=_("Visible to"), choices=VISIBILITY_CHOICES, initial="customers")


class AnnounceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("What was fixed and what to do"), widget=forms.Textarea(attrs={"rows": 5}))
