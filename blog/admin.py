from functools import partial

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from blog.comments.services import comments_approve, comments_reject, comments_set_hidden
from blog.models import Category, Comment, Post, Tag
from blog.revisions.models import Revision
from blog.revisions.services import revision_record
from blog.services import post_prepare, posts_publish, posts_unpublish
from blog.sharing import image_alt
from blog.tags import tag_key, tag_name


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class TagForm(forms.ModelForm):
    def clean_name(self):
        name = tag_name(self.cleaned_data["name"])
        # The unique key is not a form field, so its clash is caught here rather than as a 500.
        if Tag.objects.filter(key=tag_key(name)).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                "Another tag has this name in other letter case; rename that one instead."
            )
        return name


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagForm
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["key"]


class PublicationFilter(admin.SimpleListFilter):
    """Filters by what readers see, through the same queryset methods as the site."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Post.Status.choices, ("scheduled", "Scheduled")]

    def queryset(self, request, queryset):
        if self.value() == Post.Status.PUBLISHED:
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == Post.Status.DRAFT:
            return queryset.filter(status=Post.Status.DRAFT)
        return queryset


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "title", "author", "status", "category", "published_at", "like_count", "comment_count",
        "view_count",
    ]  # fmt: skip
    list_filter = [
        PublicationFilter, "category", ("tags", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
    ]  # fmt: skip
    search_fields = ["title", "content", "author__username", "tags__name"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["image_preview", "view_count", "created_at", "updated_at"]
    fields = [
        "title", "slug", "author", "category", "tags", "status", "published_at", "content",
        "custom_excerpt", "meta_title", "meta_description",
        "image_preview", "image_alt", "image_decorative", "image_caption",
        "view_count", "created_at", "updated_at",
    ]  # fmt: skip
    raw_id_fields = ["author"]
    actions = ["publish", "unpublish"]
    list_select_related = ["author", "category"]

    def get_queryset(self, request):
        # Sorting the list never drags the bodies along; the change form loads them on access.
        return super().get_queryset(request).defer("content", "content_html")

    @admin.display(description="image")
    def image_preview(self, post):
        if not post.image:
            return "—"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" class="admin-thumb">',
            post.image.thumbnail.url,
            post.image.thumbnail_width,
            post.image.thumbnail_height,
            image_alt(post),
        )

    def save_model(self, request, obj, form, change):
        post_prepare(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the tags, which the admin saves last, in the same transaction.
        post = form.instance
        published = "status" in form.changed_data and post.status == Post.Status.PUBLISHED
        kind = Revision.Kind.PUBLISH if published else Revision.Kind.SAVE
        revision_record(post=post, user=request.user, kind=kind)

    @admin.action(description="Publish selected posts")
    def publish(self, request, queryset):
        count = posts_publish(posts=queryset, editor=request.user)
        self.message_user(request, f"{count} post(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected posts (back to draft)")
    def unpublish(self, request, queryset):
        count = posts_unpublish(posts=queryset)
        self.message_user(request, f"{count} post(s) moved back to drafts.", messages.SUCCESS)


def comment_action(service, description: str, done: str):
    """An admin action that runs a moderation service on the selected comments."""

    @admin.action(description=description)
    def action(model_admin, request, queryset):
        count = service(comments=queryset)
        model_admin.message_user(request, f"{count} comment(s) {done}.", messages.SUCCESS)

    return action


class ModerationFilter(admin.SimpleListFilter):
    """The moderation queue: comments awaiting approval, newest first like every comment list."""

    title = "moderation"
    parameter_name = "moderation"

    def lookups(self, request, model_admin):
        return [("waiting", "Awaiting approval"), ("shown", "Shown"), ("hidden", "Hidden")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(is_approved=False, is_hidden=False)
        if self.value() == "shown":
            return queryset.filter(is_approved=True, is_hidden=False)
        if self.value() == "hidden":
            return queryset.filter(is_hidden=True)
        return queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "author", "post", "created_at", "is_approved", "is_hidden"]
    list_filter = [ModerationFilter, "created_at"]
    search_fields = ["content", "author__username", "post__title"]
    list_select_related = ["author", "post"]
    raw_id_fields = ["author", "post", "parent"]
    actions = ["approve", "reject", "hide", "unhide"]
    ordering = ["-created_at", "-pk"]  # newest first, read off the created_at index

    def get_queryset(self, request):
        return super().get_queryset(request).defer("post__content", "post__content_html")

    @admin.display(description="comment")
    def excerpt(self, comment):
        return comment.content[:80]

    approve = comment_action(comments_approve, "Approve selected comments", "approved")
    reject = comment_action(
        comments_reject, "Reject selected comments awaiting approval", "rejected"
    )
    hide = comment_action(
        partial(comments_set_hidden, hidden=True), "Hide selected comments", "hidden"
    )
    unhide = comment_action(
        partial(comments_set_hidden, hidden=False), "Show selected comments again", "shown again"
    )
