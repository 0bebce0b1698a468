"""Forms of the console and the portal: they validate input, services do the work."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.access import language
from meldpunt.contracts.models import LANGUAGE_CHOICES
from meldpunt.core.filenames import safe_filename
from meldpunt.intake.attachments import Budget
from meldpunt.tickets.forms import ReplyForm, VersionForm
from meldpunt.tickets.models import KIND_CHOICES, STATUS_CHOICES
from meldpunt.triage.completeness_words import worded_completeness

IMPACT_CHOICES = [
    ("one", _("One user")),
    ("multiple", _("Multiple users")),
    ("organisation", _("The whole organisation")),
]
URGENCY_CHOICES = [
    ("low", _("Low: a non-essential process")),
    ("medium", _("Medium: a process is limited")),
    ("high", _("High: a critical process")),
]
KIND_LABELS = dict(KIND_CHOICES)


# ------------------------------------------------------------------ console
class StatusForm(VersionForm):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES)


class PriorityForm(VersionForm):
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    impact = forms.ChoiceField(label=_("Impact"), required=False, choices=[("", "–")] + IMPACT_CHOICES)
    urgency = forms.ChoiceField(label=_("Urgency"), required=False, choices=[("", "–")] + URGENCY_CHOICES)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        levels = scheme.levels if scheme else ()
        lang = language()
        self.fields["priority"].choices = [("", "–")] + [(lvl, scheme.label(lvl, lang) if scheme else lvl) for lvl in levels]
        self.matrix = bool(scheme and scheme.scheme == "matrix")
        if not self.matrix:
            del self.fields["impact"], self.fields["urgency"]

    def clean(self):
        data = super().clean()
        if not data.get("priority") and not (data.get("impact") and data.get("urgency")):
            raise forms.ValidationError(_("Choose a priority, or both impact and urgency."))
        return data


class AssignForm(VersionForm):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), required=False, empty_label=_("(nobody)"),
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username"))


# ------------------------------------------------------------------ portal
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


MAX_UPLOADS = 10
#: The incident details the portal form has a field for (the completeness rules may ask them).
DETAIL_FIELDS = ("product", "product_version", "error_code", "reproduction")


class NewRequestForm(forms.Form):
    """The portal's request form. Customers never set the priority: an incident gives impact
    and urgency (seed 004 matrix) and the catalog decides; categories start at the default."""

    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of request"))
    subject = forms.CharField(label=_("Subject"), max_length=300,
                              help_text=_("One line that tells us what is wrong or what you need."))
    product = forms.CharField(label=_("Product"), max_length=120, required=False)
    product_version = forms.CharField(label=_("Version"), max_length=60, required=False)
    description = forms.CharField(
        label=_("Problem description"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What did you do, what did you expect and what happened instead?"))
    error_code = forms.CharField(
        label=_("Error code"), max_length=120, required=False,
        help_text=_("As shown in the message, if there is one."))
    reproduction = forms.CharField(
        label=_("Minimal reproduction steps"), max_length=20000, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The fewest steps that still show the problem, numbered."))
    impact = forms.ChoiceField(label=_("Who is affected?"), required=False, choices=[("", "–")] + IMPACT_CHOICES)
    urgency = forms.ChoiceField(label=_("How urgent is it?"), required=False, choices=[("", "–")] + URGENCY_CHOICES)
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def _catalog_hints(self, catalogs) -> None:
        """Vendor hints (Invantive: error codes start with itgen) are catalog data, the
        ``hint`` of a ``[[completeness.incident]]`` rule: each field shows those of the
        customer's catalogs, named by vendor when there are several."""
        lang = get_language() or "en"
        for name, field in self.fields.items():
            hints = [(catalog.name, rule.hint.get(lang[:2]) or rule.hint.get("en") or "")
                     for catalog in catalogs for rule in catalog.completeness.get("incident", ())
                     if rule.field == name and rule.hint]
            texts = [f"{vendor}: {hint}." if len(catalogs) > 1 else f"{hint}." for vendor, hint in hints if hint]
            if texts:
                field.help_text = " ".join([str(field.help_text), *texts]).strip()

    def clean_attachments(self):
        return check_uploads(self.cleaned_data.get("attachments") or [], self.refused_uploads,
                             ticket_id=None, organisation_id=self.organisation_id)

    def __init__(self, *args, agreements, organisation_id=None, refused_uploads=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.organisation_id, self.refused_uploads = organisation_id, list(refused_uploads)
        self.fields["attachments"].help_text = _("Screenshots, log files: at most %(count)s files of %(size)s each.") % {
            "count": MAX_UPLOADS, "size": filesizeformat(settings.MELDPUNT_MAX_ATTACHMENT_BYTES)}
        self.fields["agreement"].queryset = agreements
        self.fields["agreement"].label_from_instance = lambda a: f"{a.code} – {a.catalog.name}"
        kinds: list[str] = []
        self.matrix = False
        catalogs = {}
        for agreement in agreements:
            catalog = agreement.catalog.parsed()
            catalogs[catalog.id] = catalog
            self.matrix |= catalog.priority.scheme == "matrix"
            kinds += [k for k in catalog.kinds if k not in kinds]
        self._catalog_hints(list(catalogs.values()))
        self.fields["kind"].choices = [(k, KIND_LABELS.get(k, k)) for k in kinds]
        asked = {rule.field for agreement in agreements for rule in agreement.catalog.parsed().completeness.get(
            "incident", ()) if rule.required}  # what the catalogs' completeness rules ask of an incident
        for name in [*(f for f in DETAIL_FIELDS if f in asked), "impact", "urgency"]:
            if name in self.fields:  # required for incidents only; the page marks them so
                self.fields[name].incident_required = True
                self.fields[name].widget.attrs["aria-required"] = "true"
        if not self.matrix:
            del self.fields["impact"], self.fields["urgency"]

    def clean(self):
        data = super().clean()
        agreement, kind = data.get("agreement"), data.get("kind")
        if agreement is None or not kind:
            return data
        catalog = agreement.catalog.parsed()
        if kind not in catalog.kinds:
            self.add_error("kind", _("This agreement does not take this kind of request."))
        if kind == "incident":
            # Seeds 000/001: an incident report is complete only with what the catalog's
            # completeness rules ask; an incomplete one would be sent back for information.
            # A detail that is there but does not look right (an error code's pattern) is
            # left to triage: codes only "usually" start with the vendor's prefix.
            rules = [r for r in catalog.completeness.get("incident", ()) if r.field in DETAIL_FIELDS]
            found = worded_completeness(rules, {name: data.get(name) or "" for name in DETAIL_FIELDS},
                                        language())
            for missing in found.missing:
                if missing.problem != "invalid":
                    self.add_error(missing.field, _("An incident report needs this to be worked on.")
                                   + " " + missing.text + ".")
            if catalog.priority.scheme == "matrix" and kind not in catalog.priority.fixed:
                for name in ("impact", "urgency"):
                    if not data.get(name):
                        self.add_error(name, _("Choose one: it decides the priority and the deadlines."))
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, initial="nl")
    is_coordinator = forms.BooleanField(
        label=_("Coordinator"), required=False,
        help_text=_("Sees all requests of the organisation and manages its contacts."))


def check_uploads(files, refused_uploads, *, ticket_id: int | None, organisation_id: int | None) -> list:
    """Every file sent is kept, or the form says which one does not fit and why: too large
    (refused while streaming, see web/uploads.py), too many, or over the request's or the
    organisation's quota (:class:`~meldpunt.intake.attachments.Budget`). Used by the portal's
    new-request form and by the reply forms of console and portal."""
    limit = filesizeformat(settings.MELDPUNT_MAX_ATTACHMENT_BYTES)
    errors = [_("%(name)s is larger than %(size)s.") % {"name": safe_filename(name), "size": limit}
              for name in refused_uploads]
    if len(files) + len(refused_uploads) > MAX_UPLOADS:
        errors.append(_("At most 10 files."))
    if errors:
        raise forms.ValidationError(errors)
    budget = Budget(ticket_id=ticket_id, organisation_id=organisation_id)
    for upload in files:
        reason = budget.take(upload.size)
        if reason:
            errors.append(_refusal(reason, safe_filename(upload.name), budget.limits))
    if errors:
        raise forms.ValidationError(errors)
    return files


def _refusal(reason: str, name: str, limits) -> str:
    if reason == "size":
        return _("%(name)s is larger than %(size)s.") % {"name": name, "size": filesizeformat(limits.file_bytes)}
    if reason == "ticket_quota":
        return _("%(name)s does not fit: a request holds at most %(count)s files and %(size)s in all.") % {
            "name": name, "count": limits.ticket_count, "size": filesizeformat(limits.ticket_bytes)}
    return _("%(name)s does not fit: your organisation can send at most %(count)s files and %(size)s "
             "in 24 hours. Try again later, or send fewer or smaller files.") % {
        "name": name, "count": limits.daily_count, "size": filesizeformat(limits.daily_bytes)}


class RepliesWithFiles(forms.Form):
    """A reply with up to :data:`MAX_UPLOADS` files, checked against the ticket's quotas;
    ``refused_uploads`` are the names the upload handler refused while streaming."""

    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, ticket=None, refused_uploads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket, self.refused_uploads = ticket, list(refused_uploads)
        self.fields["attachments"].help_text = _("At most %(count)s files of %(size)s each.") % {
            "count": MAX_UPLOADS, "size": filesizeformat(settings.MELDPUNT_MAX_ATTACHMENT_BYTES)}

    def clean_attachments(self):
        ticket = self.ticket
        return check_uploads(self.cleaned_data.get("attachments") or [], self.refused_uploads,
                             ticket_id=ticket.pk if ticket else None,
                             organisation_id=ticket.organisation_id if ticket else None)


class ConsoleReplyForm(RepliesWithFiles, ReplyForm):
    """The console's reply or note, with files."""


class PortalReplyForm(RepliesWithFiles):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    field_order = ["body", "attachments"]


class FollowerForm(forms.Form):
    """Add a follower: a contact of the organisation, or (agents only) another address."""

    contact = forms.ModelChoiceField(label=_("Contact"), queryset=None, required=False, empty_label="–")
    email = forms.EmailField(label=_("or another address"), required=False, max_length=254)
    outside = forms.BooleanField(label=_("This address is not a contact of the organisation and may receive the "
                                         "public replies"), required=False)

    def __init__(self, *args, candidates, agent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = candidates
        self.fields["contact"].label_from_instance = lambda c: f"{c.name} <{c.email}>"
        if not agent:  # the coordinator picks among the organisation's contacts
            del self.fields["email"], self.fields["outside"]

    def clean(self):
        data = super().clean()
        if not data.get("contact") and not data.get("email"):
            raise forms.ValidationError(_("Choose a contact or give an address."))
        return data

    def address(self) -> str:
        data = self.cleaned_data
        return data["contact"].email if data.get("contact") else data["email"]
