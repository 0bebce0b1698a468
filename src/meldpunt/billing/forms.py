from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.billing.services import book_time
from meldpunt.core.billing import BillingError


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
        form.add_error(None, str(exc))
        return None
