from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from meldpunt.intake.models import Attachment, InboundMail, Mailbox, MailTemplate, OutboundMail
from meldpunt.intake.services import quarantine_to_ticket


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"), required=False, widget=forms.PasswordInput(render_value=False),
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
    list_display = ["name", "vendor", "username", "host", "folder", "active", "last_polled_at", "last_error"]
    readonly_fields = ["last_polled_at", "last_error"]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "outcome", "sender", "subject", "ticket", "reason"]
    list_filter = ["outcome", "mailbox"]
    search_fields = ["sender", "subject", "key"]
    readonly_fields = ["key", "mailbox", "source", "sender", "subject", "outcome", "reason", "ticket", "message", "received_at", "raw_text"]
    exclude = ["raw"]
    actions = ["turn_into_ticket"]

    @admin.display(description=_("raw message"))
    def raw_text(self, obj):
        return bytes(obj.raw).decode("utf-8", errors="replace")[:100000]

    @admin.action(description=_("Turn quarantined mail into a ticket"))
    def turn_into_ticket(self, request, queryset):
        for inbound in queryset.filter(outcome="quarantined", ticket__isnull=True):
            ticket = quarantine_to_ticket(inbound, agent=request.user)
            messages.success(request, _("Ticket #%(n)s registered.") % {"n": ticket.pk})

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
