from django.contrib import admin, messages
from django.utils.html import format_html

from blog.models import Category, Comment, Post
from blog.services import comments_set_hidden, post_prepare, posts_publish
from cblog.page_cache import content_changed


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PublicationFilter(admin.SimpleListFilter):
    """Filters by what readers see, through the same queryset methods as the site."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Post.Status.choices

    def queryset(self, request, queryset):
        if self.value() == Post.Status.PUBLISHED:
            return queryset.published()
        if self.value() == Post.Status.DRAFT:
            return queryset.drafts()
        return queryset


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "title", "author", "status", "category", "published_at", "like_count", "comment_count",
        "view_count",
    ]  # fmt: skip
    list_filter = [PublicationFilter, "category", ("author", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "content", "author__username"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["image_preview", "view_count", "created_at", "updated_at"]
    fields = [
        "title", "slug", "author", "category", "status", "published_at", "content",
        "image_preview", "view_count", "created_at", "updated_at",
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
            post.title,
        )

    def save_model(self, request, obj, form, change):
        post_prepare(obj)
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected posts")
    def publish(self, request, queryset):
        count = posts_publish(posts=queryset)
        self.message_user(request, f"{count} post(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish selected posts (back to draft)")
    def unpublish(self, request, queryset):
        count = queryset.published().update(status=Post.Status.DRAFT)
        content_changed()
        self.message_user(request, f"{count} post(s) moved back to drafts.", messages.SUCCESS)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "author", "post", "created_at", "is_hidden"]
    list_filter = ["is_hidden", "created_at"]
    search_fields = ["content", "author__username", "post__title"]
    list_select_related = ["author", "post"]
    raw_id_fields = ["author", "post"]
    actions = ["hide", "unhide"]
    ordering = ["-created_at", "-pk"]  # newest first, read off the created_at index

    def get_queryset(self, request):
        return super().get_queryset(request).defer("post__content", "post__content_html")

    @admin.display(description="comment")
    def excerpt(self, comment):
        return comment.content[:80]

    @admin.action(description="Hide selected comments")
    def hide(self, request, queryset):
        count = comments_set_hidden(comments=queryset, hidden=True)
        self.message_user(request, f"{count} comment(s) hidden.", messages.SUCCESS)

    @admin.action(description="Show selected comments again")
    def unhide(self, request, queryset):
        count = comments_set_hidden(comments=queryset, hidden=False)
        self.message_user(request, f"{count} comment(s) shown again.", messages.SUCCESS)
