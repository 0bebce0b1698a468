"""Forms of the triage pages: they validate input, the services do the work."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class ProposalForm(forms.Form):
    description = forms.CharField(label=_("What we will do"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    hours = forms.DecimalField(label=_("Estimated hours"), min_value=0.25, max_value=99999, decimal_places=2)
    rate = forms.DecimalField(label=_("Hourly rate"), required=False, min_value=0, max_digits=12, decimal_places=2,
                              help_text=_("Empty: the catalog's rate."))
    valid_until = forms.DateField(label=_("Valid until"), required=False, help_text=_("Empty: the catalog's validity."),
                                  widget=forms.DateInput(attrs={"type": "date"}))


class ConsentForm(forms.Form):
    authorised_by = forms.CharField(label=_("Authorised by"), max_length=200)
    authorised = forms.BooleanField(label=_("The customer authorised the session"), required=False)
    present = forms.BooleanField(label=_("The customer is present"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CategoryForm(forms.Form):
    requested = forms.ChoiceField(label=_("Category you ask for"))
    motivation = forms.CharField(label=_("Why does this category fit better?"), max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, scheme, language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested"].choices = [(lvl, scheme.label(lvl, language)) for lvl in scheme.levels]
        if scheme.category_motivation == "when_asked":  # seed 000: motivated "indien nodig", when asked
            self.fields["motivation"].required = False
            self.fields["motivation"].help_text = _("Optional: we ask for a motivation when we need one.")


class LicenceKeyRequestForm(forms.Form):
    agreement_code = forms.CharField(label=_("Agreement code"), max_length=40, required=False,
                                     help_text=_("Or, where your supplier allows it, your company name and address."))
    company_name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    company_address = forms.CharField(label=_("Company address"), max_length=500, required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    product = forms.CharField(label=_("Product"), max_length=120, required=False)
    version = forms.CharField(label=_("Version"), max_length=60)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, by_company: bool = True, **kwargs):
        """``by_company``: whether any of the customer's vendors takes the company's name and
        address instead of the agreement code; without it the form asks for the code only."""
        super().__init__(*args, **kwargs)
        if not by_company:
            del self.fields["company_name"], self.fields["company_address"]
            self.fields["agreement_code"].required = True
            self.fields["agreement_code"].help_text = ""


class WeekendForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None, empty_label=None)
    saturday = forms.DateField(label=_("First day of the weekend"), widget=forms.DateInput(attrs={"type": "date"}))
    purpose = forms.CharField(label=_("What is the event?"), max_length=300, required=False)

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements


class EngineerForm(forms.Form):
    engineer = forms.ModelChoiceField(label=_("Engineer"), required=False,
                                      queryset=get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username"))
    reason = forms.CharField(label=_("Reason (when refusing)"), max_length=500, required=False)


# ------------------------------------------------------------------ console: correct and plan
class PlanForm(forms.Form):
    """The planned resolution date of a 'by planning' target, in the desk's time zone."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    planned_at = forms.DateTimeField(label=_("Planned resolution"), required=False,
                                     help_text=_("Empty: no date yet (the clock has no due moment)."),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "plan_%s")
        super().__init__(*args, **kwargs)

    def clean_planned_at(self):
        value = self.cleaned_data["planned_at"]
        if value is not None and not 2000 <= value.year <= 2999:
            raise forms.ValidationError(_("Choose a date between the years 2000 and 2999."))
        return value
