"""Forms of the booking pages: they validate input; the services decide and write."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import groupby

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from meldpunt import localformat
from meldpunt.bookings.models import WEEKDAY_CHOICES
from meldpunt.bookings.rules import BookingSettings, Slot


def length_choices(rules: BookingSettings, language: str) -> list[tuple[int, str]]:
    choices = [(n, localformat.duration(n, language)) for n in rules.session_lengths]
    if rules.consultant_threshold_minutes:
        label = _("%(length)s or more — request a consultant (sales)") % {
            "length": localformat.duration(rules.consultant_threshold_minutes, language)}
        choices.append((rules.consultant_threshold_minutes, label))
    return choices


def slot_value(slot: Slot) -> str:
    return f"{slot.agent}:{slot.start}"


def parse_slot(value: str) -> tuple[int, datetime]:
    agent, _sep, start = value.partition(":")
    return int(agent), datetime.fromtimestamp(int(start), UTC)


def slot_choices(slots: list[Slot], agent_names: dict[int, str], show_agent: bool) -> list:
    """Free slots grouped per day (rendered as <optgroup>), in the server's time zone."""
    zone = timezone.get_default_timezone()
    grouped = []
    for day, items in groupby(slots, key=lambda s: datetime.fromtimestamp(s.start, zone).date()):
        options = []
        for slot in items:
            start, end = datetime.fromtimestamp(slot.start, zone), datetime.fromtimestamp(slot.end, zone)
            label = f"{start:%H:%M}–{end:%H:%M}"
            if show_agent:
                label += f" ({agent_names.get(slot.agent, '')})"
            options.append((slot_value(slot), label))
        grouped.append((formats.date_format(day, "l j F Y"), options))
    return grouped


class SlotField(forms.ChoiceField):
    """A slot ``agent:epoch``. Any well-formed value passes the form: a time taken meanwhile
    is no longer among the choices, and the person should hear *that* from the service."""

    def valid_value(self, value) -> bool:
        try:
            parse_slot(str(value))
        except ValueError:
            return False
        return True

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_slot(value)
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Pick one of the free times shown.")) from None


class BookingForm(forms.Form):
    """The booking form of the portal (``contact`` given) or the public page (name and email)."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"))
    slot = SlotField(label=_("Time"), help_text=_("Free times in service hours (Europe/Amsterdam)."))
    topic = forms.CharField(label=_("Topic"), max_length=200, help_text=_("What would you like to go through?"))
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    ticket = forms.ModelChoiceField(label=_("About request"), required=False, queryset=None,
                                    help_text=_("Optional: a request this session is about."))

    def __init__(self, *args, slots: list | None, tickets=None, public: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if public:
            del self.fields["ticket"]
        else:
            del self.fields["name"], self.fields["email"]
            self.fields["ticket"].queryset = tickets
            self.fields["ticket"].label_from_instance = lambda t: f"#{t.pk} {t.subject}"
        if slots is None:  # a consultant request: no time is booked
            del self.fields["slot"]
            self.fields["topic"].help_text = _("What should the consultant work on?")
        else:
            self.fields["slot"].choices = [("", _("— pick a time —")), *slots]


class RescheduleForm(forms.Form):
    slot = SlotField(label=_("New time"))

    def __init__(self, *args, slots: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", _("— pick a time —")), *slots]


class AvailabilityForm(forms.Form):
    vendor = forms.ChoiceField(label=_("Vendor"))
    weekday = forms.TypedChoiceField(label=_("Every week on"), required=False, coerce=int, empty_value=None,
                                     choices=[("", _("— or a date —")), *WEEKDAY_CHOICES])
    on_date = forms.DateField(label=_("Or on date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time", "step": 1800}))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time", "step": 1800}))
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    hourly_rate = forms.DecimalField(label=_("Hourly rate"), required=False, min_value=0, decimal_places=2,
                                     help_text=_("Empty: the catalog's rate."))

    def __init__(self, *args, vendors: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = vendors

    def clean(self):
        data = super().clean()
        if (data.get("weekday") is None) == (data.get("on_date") is None):
            raise forms.ValidationError(_("Give either a weekday or a date."))
        return data


class RecordForm(forms.Form):
    minutes = forms.IntegerField(label=_("Actual duration (minutes)"), min_value=1, max_value=24 * 60)
    rate = forms.DecimalField(label=_("Hourly rate"), required=False, min_value=0, decimal_places=2)
