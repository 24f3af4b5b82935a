from django.contrib import admin

from blog.revisions.models import Revision


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Read-only: revisions are written by the post services and restored by the author.
    Deleting stays allowed, since deleting a post in the admin deletes its revisions."""

    list_display = ["post", "kind", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["post", "author"]
    search_fields = ["post__title", "title"]
    raw_id_fields = ["post", "author"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
