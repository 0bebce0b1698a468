from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.billing.services import book_time
from meldpunt.contracts.catalog_words import billing_error_words
from meldpunt.core.billing import BillingError, Month


class BookTimeForm(forms.Form):
    """An agent's session on a ticket; the rules are applied by ``services.book_time``."""

    minutes = forms.IntegerField(label=_("Minutes worked"), min_value=1, max_value=24 * 60)
    started_at = forms.DateTimeField(label=_("Started at"), required=False, help_text=_("Empty: now."))
    billable = forms.TypedChoiceField(
        label=_("Billing"), required=False, empty_value=None,
        coerce=lambda v: v == "billable",
        choices=[("", _("As the agreement says")), ("billable", _("Billable")), ("covered", _("Covered by the contract"))],
    )
    rate = forms.DecimalField(label=_("Hourly rate"), required=False, min_value=0, decimal_places=2, max_digits=12)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    allow_overrun = forms.BooleanField(label=_("Book past the approved budget"), required=False)


def book_from(form: BookTimeForm, *, ticket, agent):
    """Book the validated form's session through ``services.book_time``; the booking, or
    None with the refusal added to the form (the 4-hour rule, a missing proposal…)."""
    data = form.cleaned_data
    try:
        return book_time(
            ticket=ticket, agent=agent, minutes=data["minutes"], started_at=data["started_at"],
            billable=data["billable"], rate=data["rate"], note=data["note"], allow_overrun=data["allow_overrun"],
        )
    except BillingError as exc:
        form.add_error(None, billing_error_words(exc))
        return None


class InvoiceRunForm(forms.Form):
    """The web's invoice run (issue 21 item 5): which month, and the reason when it has not ended."""

    month = forms.CharField(label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"}),
                            help_text=_("The month to bill, e.g. 2026-10."))
    reason = forms.CharField(label=_("Reason to bill early"), required=False, max_length=300,
                             help_text=_("Only for a month that has not ended yet; it is logged."))

    def clean_month(self):
        try:
            return Month.parse(self.cleaned_data["month"])
        except BillingError:
            raise forms.ValidationError(_("Give a month such as 2026-10.")) from None
