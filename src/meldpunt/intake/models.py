"""Mail in and out: mailboxes, every inbound message kept raw, attachments, the outbox.

An inbound message is registered once: its key (Message-ID, or the SHA-256 of its bytes
when it has none) is unique, so fetching it again after a crash finds it already done.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.intake.reasons import notes_words
from meldpunt.sealed import SealedTextField
from meldpunt.tickets.models import Message, Ticket

OUTCOMES = [
    ("created", _("created a ticket")),
    ("appended", _("appended to a ticket")),
    ("quarantined", _("quarantined")),
    ("ignored", _("ignored")),
    ("held", _("held for an agent")),
    ("discarded", _("discarded by an agent")),
]


class Mailbox(models.Model):
    """An IMAP mailbox the worker reads for one vendor. The password is sealed in the database
    (:mod:`meldpunt.sealed`) and never shown back (the admin's field is write-only)."""

    vendor = models.CharField(_("vendor"), max_length=40, help_text=_("Catalog vendor id, e.g. erpm."))
    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("IMAP host"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_ssl = models.BooleanField(_("TLS"), default=True)
    username = models.CharField(_("username"), max_length=200)
    password = SealedTextField(_("password"), help_text=_("Encrypted in the database with MELDPUNT_FIELD_KEY."))
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    done_folder = models.CharField(_("move handled mail to"), max_length=200, blank=True, help_text=_("Empty: keep it in the folder, flagged."))
    reply_address = models.EmailField(_("reply address"), help_text=_("From address of confirmations and replies."))
    active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, help_text=_("Kept until the next error, with its time."))
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} ({self.username}@{self.host})"


class InboundMail(models.Model):
    key = models.CharField(_("message key"), max_length=255, unique=True, help_text=_("Message-ID, or sha256: of the raw bytes."))
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("mailbox"))
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=_("imap, a file name, or forwarded by an agent."))
    raw = models.BinaryField(_("raw message"))
    sender = models.CharField(_("sender"), max_length=254, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=OUTCOMES, db_index=True)
    legacy_reason = models.CharField(_("reason (older mail)"), max_length=500, blank=True,
                                     help_text=_("Written in English by older versions; new mail keeps notes."))
    notes = models.JSONField(_("notes"), default=list, blank=True,
                             help_text=_("What happened to the mail, as codes; worded when read."))
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_mails", verbose_name=_("ticket"))
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("message"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("released or discarded by"))
    handled_at = models.DateTimeField(_("released or discarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mail")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["sender", "received_at"], name="inbound_sender_time")]

    def __str__(self) -> str:
        return f"{self.outcome}: {self.subject or self.key}"

    @property
    def reason(self) -> str:
        """Why the mail came to its outcome, in the active language (:mod:`meldpunt.intake.reasons`)."""
        return notes_words(self.notes, self.legacy_reason)

    def noted(self, *added: dict) -> list:
        """The notes with ``added`` after them; an old row's English reason becomes the first."""
        before = list(self.notes) or ([{"code": "text", "text": self.legacy_reason}] if self.legacy_reason else [])
        return before + list(added)


class Attachment(models.Model):
    """A file on a thread message. Its bytes live in the file storage (``STORAGES["default"]``:
    the local disk or S3-compatible object storage; :mod:`meldpunt.intake.attachments`), so a
    thread lists its files from this row alone and a download streams the stored file."""

    HELD = [
        ("", _("kept")),
        ("size", _("larger than the limit for one file")),
        ("ticket_quota", _("over the request's attachment quota")),
        ("daily_quota", _("over the organisation's daily attachment quota")),
    ]

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message"))
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    too_large = models.BooleanField(_("not kept apart"), default=False, help_text=_("Still inside the raw message."))
    held = models.CharField(_("why not kept apart"), max_length=20, choices=HELD, blank=True, default="")
    file = models.FileField(_("stored file"), max_length=255, blank=True,
                            help_text=_("Its name in the file storage; empty for a file kept only inside the raw message."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    @property
    def preview(self) -> str:
        """"image" or "pdf" when the request page shows a preview of it (a thumbnail), else ""."""
        if self.too_large or not self.file.name:
            return ""
        return "image" if self.content_type in PREVIEW_IMAGES else "pdf" if self.content_type == "application/pdf" else ""


#: Raster images a browser shows as an image (never SVG, which can carry script).
PREVIEW_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class OutboundMail(models.Model):
    """The one outbox: a row per mail Meldpunt sends, written in the same transaction as its cause.

    Every kind goes here and out through :func:`meldpunt.intake.outbox.send`: mail to a
    customer about a ticket (``ticket`` set: confirmation, reply, status…), mail about no
    ticket (an idea's status, a critical fix, an evaluation report with its PDF), booking
    mail with its iCalendar invite (``about`` the booking) and alerts to staff (``user`` the
    member of staff, ``about`` the notification). ``about`` is a generic link so that this
    app needs none of the apps that write mail (they all import intake; no cycle).
    ``dedupe_key``, when set, is unique: a staff notification is mailed once."""

    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_mails", verbose_name=_("ticket"))
    kind = models.CharField(_("kind"), max_length=30)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    from_address = models.CharField(_("from"), max_length=254)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    language = models.CharField(_("language"), max_length=2, default="en")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True,
                                       help_text=_("MIME type with its parameters, e.g. text/calendar; method=REQUEST."))
    attachment = models.BinaryField(_("attachment data"), blank=True, default=b"")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="staff_mails", verbose_name=_("member of staff"))
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("about (type)"))
    about_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    dedupe_key = models.CharField(_("sent once per"), max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("outbound mail")
        verbose_name_plural = _("outbound mail")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "created_at"], name="outbound_kind_time"),  # the hourly limits
                   models.Index(fields=["about_type", "about_id"], name="outbound_about")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}: {self.subject}"


class MailTemplate(models.Model):
    """A vendor's own wording of a mail; without one the built-in template is used."""

    KINDS = [
        ("confirmation", _("Confirmation of a new request")),
        ("reply", _("Reply from an agent")),
        ("info_request", _("Request for information")),
        ("status", _("Status change")),
    ]
    vendor = models.CharField(_("vendor"), max_length=40, blank=True, help_text=_("Empty: every vendor."))
    kind = models.CharField(_("kind"), max_length=30, choices=KINDS)
    language = models.CharField(_("language"), max_length=2, choices=[("nl", _("Dutch")), ("en", _("English"))])
    subject = models.CharField(_("subject"), max_length=300, help_text=_("Django template; {{ ticket }}, {{ number }}, {{ subject }}."))
    body = models.TextField(_("body"), help_text=_("Django template; {{ ticket }}, {{ number }}, {{ message }}, {{ contact }}, {{ status }}."))

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        constraints = [models.UniqueConstraint(fields=["vendor", "kind", "language"], name="one_template_per_kind")]

    def __str__(self) -> str:
        return f"{self.vendor or '*'} {self.kind} {self.language}"


class Follower(models.Model):
    """Someone besides the reporter who follows a request: a Cc of its mail, or added by an
    agent or the organisation's coordinator (:mod:`meldpunt.intake.followers`). Followers
    receive the public replies by mail, in their language; who may follow is decided there."""

    SOURCES = [
        ("cc", _("Cc of a mail")),
        ("agent", _("added by an agent")),
        ("coordinator", _("added by the coordinator")),
    ]

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followers", verbose_name=_("ticket"))
    email = models.CharField(_("e-mail"), max_length=254, help_text=_("Lower case."))
    name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.ForeignKey("contracts.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("contact"))
    language = models.CharField(_("language"), max_length=2, default="nl")
    source = models.CharField(_("added as"), max_length=20, choices=SOURCES)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("added by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "email"], name="follower_once_per_ticket")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class FullMail(models.Model):
    """The whole text of a mail reply whose thread message shows only the new part (the
    quoted history cut off by :mod:`meldpunt.intake.quotes`); one click away on the page."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, primary_key=True, related_name="full_mail",
                                   verbose_name=_("message"))
    text = models.TextField(_("whole text"))

    class Meta:
        verbose_name = _("whole mail text")
        verbose_name_plural = _("whole mail texts")
