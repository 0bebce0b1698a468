"""Forms of the agent desk: they check the shape of the input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.billing.forms import BookTimeForm
from meldpunt.contracts.models import LANGUAGE_CHOICES, Agreement, Contact, Organisation
from meldpunt.desk.corrections import Correction, NewContact
from meldpunt.desk.macros import PLACEHOLDERS
from meldpunt.desk.models import NAME_LENGTH, QUERY_LENGTH
from meldpunt.organise.models import TAG_LENGTH
from meldpunt.teams.models import Team
from meldpunt.tickets.models import KIND_CHOICES, STATUS_CHOICES
from meldpunt.widgets import QuickSelect, plain_options

#: The console's queues (``web.queries.queue_page`` answers each).
QUEUES = ("mine", "team", "all", "triage", "waiting", "soon", "breached")


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
class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("Words, #number or error code")}))
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
    # issue 19: a tag (organise) and a team's queue (teams)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=TAG_LENGTH)
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.order_by("name"),
                                  empty_label=_("All teams"), widget=QuickSelect)
    cursor = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, priorities=(), **kwargs):
        """``priorities``: (level, label) pairs, as the console's queue offers them."""
        super().__init__(*args, **kwargs)
        self.fields["priority"].widget = QuickSelect(choices=[("", _("All priorities"))] + list(priorities))
        plain_options(self.fields["organisation"], "name")
        plain_options(self.fields["team"], "name")

    def clean_tag(self):
        return "-".join(self.cleaned_data["tag"].strip().lower().split())


class CorrectionForm(forms.Form):
    """The console's "Correct this request" panel: every field shows the current value; what
    differs is changed by ``desk.corrections.correct``, which checks that it fits together."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(label=_("Kind"))
    product = forms.CharField(label=_("Product"), max_length=120, required=False)
    product_version = forms.CharField(label=_("Version"), max_length=60, required=False)
    error_code = forms.CharField(label=_("Error code"), max_length=120, required=False)
    reproduction = forms.CharField(label=_("Reproduction steps"), max_length=20000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=None,
                                          empty_label=_("(unknown sender)"))
    agreement = forms.ModelChoiceField(label=_("Agreement"), required=False, queryset=None, empty_label="–")
    contact = forms.ModelChoiceField(label=_("Reporter"), required=False, queryset=None, empty_label="–")
    new_contact_name = forms.CharField(label=_("Or add the sender as a new contact: name"), max_length=200,
                                       required=False)
    new_contact_email = forms.EmailField(label=_("Address"), required=False,
                                         help_text=_("Empty: the address the request came from."))
    new_contact_language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        kwargs.setdefault("auto_id", "correct_%s")  # the ticket page has other forms with a reason and a kind
        super().__init__(*args, **kwargs)
        labels = dict(KIND_CHOICES)
        self.fields["kind"].choices = [(k, labels.get(k, k)) for k in (kinds or labels)]
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["agreement"].queryset = Agreement.objects.select_related("organisation").order_by("code")
        self.fields["agreement"].label_from_instance = lambda a: f"{a.code} – {a.organisation.name}"
        self.fields["contact"].queryset = Contact.objects.select_related("organisation").order_by("name")
        self.fields["contact"].label_from_instance = lambda c: f"{c.name} <{c.email}> – {c.organisation.name}"

    @classmethod
    def for_ticket(cls, ticket, data=None):
        kinds = ticket.agreement.catalog.parsed().kinds if ticket.agreement_id else ()
        initial = {"version": ticket.version, "kind": ticket.kind, "product": ticket.product,
                   "product_version": ticket.product_version, "error_code": ticket.error_code,
                   "reproduction": ticket.reproduction, "organisation": ticket.organisation_id,
                   "agreement": ticket.agreement_id, "contact": ticket.contact_id,
                   "new_contact_language": ticket.language}
        return cls(data, initial=initial, kinds=kinds)

    @staticmethod
    def correction_of(d: dict):
        """A valid form's ``cleaned_data`` as a :class:`~meldpunt.desk.corrections.Correction`."""

        name = d["new_contact_name"].strip()
        new = NewContact(name=name, email=d["new_contact_email"], language=d["new_contact_language"] or "nl") if name else None
        return Correction(
            kind=d["kind"], product=d["product"], product_version=d["product_version"], error_code=d["error_code"],
            reproduction=d["reproduction"], organisation=d["organisation"], agreement=d["agreement"],
            contact=None if new else d["contact"], new_contact=new, reason=d["reason"],
        )
