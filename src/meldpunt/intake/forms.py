from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import Agreement, Contact
from meldpunt.core.channels import LIVE_CHANNELS
from meldpunt.tickets.models import CHANNEL_LABELS


class ForwardForm(forms.Form):
    eml = forms.FileField(label=_("Mail file (.eml)"), required=False, help_text=_("The mail as it reached you, or your forward with the original attached."))
    pasted = forms.CharField(label=_("Or paste the original with its headers"), required=False, widget=forms.Textarea(attrs={"rows": 12}))

    def clean(self):
        data = super().clean()
        if not data.get("eml") and not data.get("pasted", "").strip():
            raise forms.ValidationError(_("Give a mail file or paste the mail."))
        return data

    def raw(self) -> bytes:
        upload = self.cleaned_data.get("eml")
        return upload.read() if upload else self.cleaned_data["pasted"].replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


class ContactLogForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c, CHANNEL_LABELS[c]) for c in LIVE_CHANNELS])
    # a contact whose login the coordinator deactivated is no longer offered (nor accepted)
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.select_related("organisation")
                                     .exclude(user__is_active=False))
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=Agreement.objects.all(), required=False)
    ticket = forms.IntegerField(label=_("Existing ticket number"), required=False, min_value=1, help_text=_("Empty: a new ticket."))
    subject = forms.CharField(label=_("Subject"), required=False, max_length=300)
    summary = forms.CharField(label=_("What was said (or the chat transcript)"), widget=forms.Textarea(attrs={"rows": 10}))
