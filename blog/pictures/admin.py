from django.contrib import admin
from django.utils.html import format_html, format_html_join

from blog.pictures.models import InlinePicture


class StateFilter(admin.SimpleListFilter):
    """Where a picture stands: in a post, waiting for a post's first save, or let go by its post
    (media_orphans deletes the last two a day later)."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("in_post", "In a post"), ("waiting", "Waiting for a post"), ("let_go", "Let go")]

    def queryset(self, request, queryset):
        return {
            "in_post": queryset.filter(post__isnull=False),
            "waiting": queryset.filter(post=None, detached_at=None),
            "let_go": queryset.filter(post=None, detached_at__isnull=False),
        }.get(self.value(), queryset)


@admin.register(InlinePicture)
class InlinePictureAdmin(admin.ModelAdmin):
    """Read-only: pictures are uploaded from the editor and written into a post's Markdown, which
    an edit here would not follow. Deleting stays, for a picture that must go (its objects go
    after the commit); the text that shows it then shows its alt text."""

    list_display = ["preview", "alt", "post", "uploader", "created_at", "detached_at"]
    list_filter = [StateFilter, "created_at"]
    list_select_related = ["post", "uploader", "image"]
    search_fields = ["alt", "post__title", "uploader__username", "image__display"]
    date_hierarchy = "created_at"
    fields = [
        "preview", "alt", "post", "uploader", "created_at", "detached_at", "file", "dimensions",
        "renditions",
    ]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        # The list never drags the posts' bodies along.
        return super().get_queryset(request).defer("post__content", "post__content_html")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="picture")
    def preview(self, picture):
        image = picture.image
        if image is None:
            return "—"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" class="admin-thumb">',
            image.thumbnail.url,
            image.thumbnail_width,
            image.thumbnail_height,
            picture.alt,
        )

    @admin.display(description="file")
    def file(self, picture):
        return picture.image.display.name if picture.image else "—"

    @admin.display(description="original size")
    def dimensions(self, picture):
        image = picture.image
        return f"{image.width} × {image.height} px" if image else "—"

    @admin.display(description="WebP widths")
    def renditions(self, picture):
        if picture.image is None or not picture.image.renditions:
            return "—"
        return format_html_join(
            ", ", "{} px", ((rendition["width"],) for rendition in picture.image.renditions)
        )
