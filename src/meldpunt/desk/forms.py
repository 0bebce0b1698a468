"""Forms of the agent desk: they check the shape of the input; the services decide."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from meldpunt.billing.forms import BookTimeForm
from meldpunt.contracts.models import Organisation
from meldpunt.desk.macros import PLACEHOLDERS
from meldpunt.desk.models import NAME_LENGTH, QUERY_LENGTH
from meldpunt.tickets.models import KIND_CHOICES, STATUS_CHOICES

#: The console's queues (``web.queries.queue_page`` answers each).
QUEUES = ("mine", "all", "triage", "waiting", "soon", "breached")


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=NAME_LENGTH)
    shared = forms.BooleanField(label=_("Share with the team"), required=False,
                                help_text=_("Every colleague sees a shared view; only you can change it."))
    query = forms.CharField(required=False, max_length=QUERY_LENGTH * 2, widget=forms.HiddenInput)


class EditViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=NAME_LENGTH)
    shared = forms.BooleanField(label=_("Share with the team"), required=False)


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH)
    body_nl = forms.CharField(label=_("Text in Dutch"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    body_en = forms.CharField(label=_("Text in English"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    set_status = forms.ChoiceField(label=_("Then set the status to"), required=False,
                                   choices=[("", _("(leave as it is)"))] + STATUS_CHOICES)
    internal_note = forms.BooleanField(label=_("Internal note instead of a reply"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = " ".join("{" + p + "}" for p in PLACEHOLDERS)
        self.fields["body_nl"].help_text = _("Placeholders: %(names)s") % {"names": names}

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("body_nl", "").strip() or data.get("body_en", "").strip()):
            raise forms.ValidationError(_("Write the text in Dutch, in English or in both."))
        return data


class TimerBookForm(BookTimeForm):
    """The billing app's booking form, with the fields the timer fills hidden."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "time")
        super().__init__(*args, **kwargs)
        self.fields["started_at"].widget = forms.HiddenInput()


# ------------------------------------------------------------------ the queue's filter
# The console's queue page validates its filter with it, and a saved view is normalised
# with it (desk.services.normalise_query).
class QuickSelect(forms.Select):
    """A select rendered in Python instead of one template include per option: the queue's
    filter lists every organisation, and Django's option templates were the page's largest
    cost. Same markup and attributes; flat choices only."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = []
        for option, text in self.choices:
            key = "" if option is None else str(option)
            mark = " selected" if key in chosen else ""
            options.append(f'<option value="{escape(key)}"{mark}>{escape(text)}</option>')
        return mark_safe(f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>'
                         + "".join(options) + "</select>")


class QueueFilterForm(forms.Form):
    queue = forms.ChoiceField(required=False, choices=[(q, q) for q in QUEUES])
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("deadline", _("Next deadline")), ("priority", _("Priority, then deadline")),
        ("newest", _("Newest first")), ("oldest", _("Oldest first"))], widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Open"))] + STATUS_CHOICES,
                               widget=QuickSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + KIND_CHOICES,
                             widget=QuickSelect)
    priority = forms.CharField(label=_("Priority"), required=False, max_length=20)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.order_by("name"),
        empty_label=_("All organisations"), widget=QuickSelect)
    cursor = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, priorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].widget = QuickSelect(choices=[("", _("All priorities"))] + [(p, p) for p in priorities])
