"""Knowledge base, community questions, ideas, releases and notifications (SPEC.md §6).

Seeds 000/001: documentation and a searchable knowledge base, community questions (not
covered by the subscription; staff join in) and an ideas register are there for everyone.
Seed 003: customers on an agreement that grants ``fix_notifications`` hear of critical
fixes when they opted in. Seed 001: a new version may need a new licence key.

Article texts are versioned rows: an edit writes a new version and the previous one stays
(``is_current`` marks the text that is shown and searched). The full-text index over the
current versions lives in the database (see :mod:`meldpunt.knowledge.search`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meldpunt.contracts.models import LANGUAGE_CHOICES, Contact
from meldpunt.tickets.models import Message, Ticket

VISIBILITY_CHOICES = [("public", _("Public")), ("customers", _("Customers only"))]
RELEASE_STATES = [("production", _("Production")), ("lts", _("Long-term support")), ("eol", _("End of life"))]
IDEA_STATUSES = [
    ("new", _("New")),
    ("under_review", _("Under review")),
    ("planned", _("Planned")),
    ("done", _("Done")),
    ("declined", _("Declined")),
]
USER = settings.AUTH_USER_MODEL


class Product(models.Model):
    vendor = models.CharField(_("vendor"), max_length=40, help_text=_("The catalog id, e.g. infor; its agreements hear of fixes."))
    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Release(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="releases", verbose_name=_("product"))
    version = models.CharField(_("version"), max_length=40)
    state = models.CharField(_("state"), max_length=20, choices=RELEASE_STATES, default="production")
    released_on = models.DateField(_("released on"))
    notes = models.TextField(_("release notes"), blank=True)
    requires_new_licence_key = models.BooleanField(
        _("needs a new licence key"), default=False,
        help_text=_("Customers request a new key with their agreement code; it goes to the coordinator."),
    )

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["product", "-released_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["product", "version"], name="release_version_once")]

    def __str__(self) -> str:
        return f"{self.product} {self.version}"


class Article(models.Model):
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles", verbose_name=_("product"))
    releases = models.ManyToManyField(Release, blank=True, related_name="articles", verbose_name=_("releases"))
    visibility = models.CharField(_("visible to"), max_length=20, choices=VISIBILITY_CHOICES, default="public")
    published = models.BooleanField(_("published"), default=True)
    source_message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("made from answer"))
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.slug


class ArticleVersion(models.Model):
    """One written version of an article in one language; versions are never edited."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions", verbose_name=_("article"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    is_current = models.BooleanField(_("current"), default=True)
    author = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "language", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "language", "number"], name="article_version_once"),
            models.UniqueConstraint(fields=["article", "language"], condition=Q(is_current=True), name="one_current_text"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language} v{self.number})"


class ArticleLink(models.Model):
    """An agent linked an article to a ticket (SPEC.md §5: agents link knowledge articles)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="links", verbose_name=_("article"))
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="article_links", verbose_name=_("ticket"))
    linked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("linked by"))
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article link")
        verbose_name_plural = _("article links")
        constraints = [models.UniqueConstraint(fields=["article", "ticket"], name="article_linked_once")]


class Question(models.Model):
    """A community question: not covered by any agreement (seeds 000/001). It belongs to one
    vendor's community: the customers of that vendor see and answer it (see
    :mod:`meldpunt.knowledge.community`)."""

    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by"))
    vendor = models.CharField(
        _("vendor"), max_length=40, blank=True, db_index=True,
        help_text=_("The catalog id, e.g. erpm: only customers with an agreement on it (and staff) see it. Empty: staff only."),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("question"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("product"))
    accepted_answer = models.OneToOneField("Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("accepted answer"))
    ticket = models.OneToOneField(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="community_question", verbose_name=_("became ticket"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("community question")
        verbose_name_plural = _("community questions")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by"))
    body = models.TextField(_("answer"))
    by_staff = models.BooleanField(_("by vendor staff"), default=False)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]


class Idea(models.Model):
    """An idea for one vendor's product: that vendor's customers see and vote on it."""

    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    vendor = models.CharField(
        _("vendor"), max_length=40, blank=True, db_index=True,
        help_text=_("The catalog id, e.g. erpm: only customers with an agreement on it (and staff) see it. Empty: staff only."),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("idea"))
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("product"))
    status = models.CharField(_("status"), max_length=20, choices=IDEA_STATUSES, default="new", db_index=True)
    vendor_reply = models.TextField(_("public reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class IdeaVote(models.Model):
    """One vote per user per idea; the database refuses a second one."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes", verbose_name=_("idea"))
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    created_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="one_vote_per_user")]


class IdeaFollower(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="followers", verbose_name=_("idea"))
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="follow_once")]


class FixNotificationOptIn(models.Model):
    """A contact asked to hear of critical fixes (seed 003: notification is opt-in)."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="fix_opt_in", verbose_name=_("contact"))
    opted_in_at = models.DateTimeField(_("opted in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fix notification opt-in")
        verbose_name_plural = _("fix notification opt-ins")


class FixAnnouncement(models.Model):
    """A critical fix announced for a release, and to whom it went."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="announcements", verbose_name=_("release"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    announced_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("announced by"))
    announced_at = models.DateTimeField(_("announced at"), auto_now_add=True)
    recipients = models.ManyToManyField(Contact, blank=True, related_name="+", verbose_name=_("sent to"))

    class Meta:
        verbose_name = _("critical fix announcement")
        verbose_name_plural = _("critical fix announcements")
        ordering = ["-announced_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    """An in-app notice for one user (an idea they follow moved, a critical fix)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="knowledge_notifications", verbose_name=_("user"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

