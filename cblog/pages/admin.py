from django.contrib import admin

from cblog.pages import services
from cblog.pages.models import ContactMessage, SitePage


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    """The About and Contact pages: edited here, never added or deleted (a migration makes them)."""

    list_display = ["title", "slug", "updated_at"]
    fields = ["title", "body"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.site_page_save(page=obj)


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """What visitors sent, newest first; answered by mail, so read-only here."""

    list_display = ["name", "email", "created_at", "mailed_at"]
    search_fields = ["name", "email", "message"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
