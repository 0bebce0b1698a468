"""Staff edit articles, products, releases and ideas in the admin.

An article's texts are versions: existing versions are read-only, and a text added in the
inline is written through :func:`write_version`, so it becomes the current version and the
previous one stays in the history.
"""

from __future__ import annotations

from django.contrib import admin

from meldpunt.knowledge import models
from meldpunt.knowledge.ideas import set_status
from meldpunt.knowledge.services import write_version


class VersionInline(admin.StackedInline):
    model = models.ArticleVersion
    fields = ("language", "title", "body", "number", "is_current", "author", "created_at")
    readonly_fields = ("number", "is_current", "author", "created_at")
    extra = 1
    ordering = ("language", "-number")

    def has_change_permission(self, request, obj=None):
        return False  # versions are never edited; add a new one

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("slug", "product", "visibility", "published", "created_at")
    list_filter = ("visibility", "published", "product")
    search_fields = ("slug", "versions__title")
    filter_horizontal = ("releases",)
    raw_id_fields = ("source_message",)
    readonly_fields = ("created_by", "created_at")
    inlines = [VersionInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not models.ArticleVersion:
            return super().save_formset(request, form, formset, change)
        for version in formset.save(commit=False):
            if version.pk is None:
                write_version(article=form.instance, language=version.language, title=version.title,
                              body=version.body, author=request.user)


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "vendor")
    prepopulated_fields = {"slug": ("name",)}


class AnnouncementInline(admin.TabularInline):
    model = models.FixAnnouncement
    fields = ("title", "announced_at", "announced_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # announce from the releases page, which mails the opted-in contacts


@admin.register(models.Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("product", "version", "state", "released_on", "requires_new_licence_key")
    list_filter = ("product", "state", "requires_new_licence_key")
    inlines = [AnnouncementInline]


@admin.register(models.Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ("title", "vendor", "status", "created_at")
    list_filter = ("status", "vendor")
    search_fields = ("title", "body")
    readonly_fields = ("author", "replied_at", "created_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = change and {"status", "vendor_reply"} & set(form.changed_data)
        if changed and obj.status != "new" and obj.vendor_reply.strip():
            set_status(idea=obj, status=obj.status, reply=obj.vendor_reply, actor=request.user)  # notifies followers


class AnswerInline(admin.TabularInline):
    model = models.Answer
    fields = ("author", "body", "by_staff", "created_at")
    readonly_fields = ("author", "by_staff", "created_at")
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # staff answer on the community page, under their own name


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("title", "vendor", "language", "created_at", "ticket")
    list_filter = ("vendor",)
    search_fields = ("title", "body")
    raw_id_fields = ("author", "ticket", "accepted_answer")
    inlines = [AnswerInline]


admin.site.register(models.FixNotificationOptIn, list_display=("contact", "opted_in_at"))
admin.site.register(models.ArticleLink, list_display=("article", "ticket", "linked_by", "linked_at"))
