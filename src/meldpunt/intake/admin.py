from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from meldpunt.intake.models import Attachment, InboundMail, Mailbox, MailTemplate, OutboundMail
from meldpunt.intake.services import handle_held, quarantine_to_ticket


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"), required=False, max_length=200, widget=forms.PasswordInput(render_value=False),
        help_text=_("Never shown back. Leave empty to keep the stored password."),
    )

    class Meta:
        model = Mailbox
        fields = "__all__"

    def clean_password(self):
        value = self.cleaned_data.get("password")
        if not value:
            if not self.instance.pk:
                raise forms.ValidationError(_("A new mailbox needs a password."))
            return self.instance.password
        return value


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "vendor", "username", "host", "folder", "active", "last_polled_at", "last_error_at",
                    "last_error", "quarantined", "held"]
    readonly_fields = ["last_polled_at", "last_error_at", "last_error"]

    def get_queryset(self, request):
        def count(outcome: str):  # through the outcome index, not over all of a mailbox's mail
            rows = (InboundMail.objects.filter(mailbox=OuterRef("pk"), outcome=outcome).order_by()
                    .values("mailbox").annotate(n=Count("id")).values("n"))
            return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

        return super().get_queryset(request).annotate(n_quarantined=count("quarantined"), n_held=count("held"))

    @admin.display(description=_("quarantined"))
    def quarantined(self, obj):
        """Per-message failures of this mailbox, linked to the list of them."""
        return self._linked(obj, "quarantined", obj.n_quarantined)

    @admin.display(description=_("held"))
    def held(self, obj):
        return self._linked(obj, "held", obj.n_held)

    @staticmethod
    def _linked(obj, outcome: str, count: int):
        if not count:
            return 0
        url = reverse("admin:intake_inboundmail_changelist") + f"?outcome__exact={outcome}&mailbox__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, count)


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "outcome", "sender", "subject", "ticket", "why"]
    list_filter = ["outcome", "mailbox"]
    search_fields = ["sender", "subject", "key"]
    readonly_fields = ["key", "mailbox", "source", "sender", "subject", "outcome", "why", "ticket", "message",
                       "received_at", "handled_by", "handled_at", "raw_text"]
    exclude = ["raw", "notes", "legacy_reason"]

    @admin.display(description=_("reason"))
    def why(self, obj):
        """The mail's notes worded in the admin's language (an old row: its English sentence)."""
        return obj.reason
    actions = ["turn_into_ticket", "release_held", "discard_held"]

    @admin.display(description=_("raw message"))
    def raw_text(self, obj):
        return bytes(obj.raw).decode("utf-8", errors="replace")[:100000]

    @admin.action(description=_("Turn quarantined mail into a ticket"))
    def turn_into_ticket(self, request, queryset):
        for inbound in queryset.filter(outcome="quarantined", ticket__isnull=True):
            ticket = quarantine_to_ticket(inbound, agent=request.user)
            messages.success(request, _("Ticket #%(n)s registered.") % {"n": ticket.pk})

    @admin.action(description=_("Release held mail (register it)"))
    def release_held(self, request, queryset):
        self._handle(request, queryset, "release")

    @admin.action(description=_("Discard held mail"))
    def discard_held(self, request, queryset):
        self._handle(request, queryset, "discard")

    def _handle(self, request, queryset, action):
        ids = list(queryset.filter(outcome="held").values_list("pk", flat=True))
        done, errors = handle_held(ids, action, agent=request.user)
        messages.success(request, _("%(n)s held mail(s) handled.") % {"n": done})
        for error in errors:
            messages.error(request, _("Not handled: %(error)s") % {"error": error})

    def has_add_permission(self, request):
        return False


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "subject", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", "language"]
    readonly_fields = [f.name for f in OutboundMail._meta.fields if f.name != "attachment"]
    exclude = ["attachment"]

    def has_add_permission(self, request):
        return False


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "vendor", "subject"]
    list_filter = ["kind", "language", "vendor"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["filename", "content_type", "size", "message", "too_large", "held", "created_at"]
    list_filter = ["held"]
