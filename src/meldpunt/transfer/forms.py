from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import Organisation
from meldpunt.transfer.rows import KINDS

KIND_LABELS = {"organisations": _("Organisations"), "contacts": _("Contacts"), "agreements": _("Agreements")}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=[(k, KIND_LABELS[k]) for k in KINDS])
    file = forms.FileField(label=_("File (.csv or .xlsx)"), help_text=_("The first row names the columns; see the templates in the guide."))


class ConfirmForm(forms.Form):
    upload = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ExportForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.order_by("name"))
    format = forms.ChoiceField(label=_("Format"), choices=[("json", "JSON"), ("csv", _("Zip of CSV files"))])
