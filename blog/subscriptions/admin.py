from django.contrib import admin

from blog.subscriptions.models import Subscription


class ConfirmedFilter(admin.SimpleListFilter):
    title = "confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Confirmed"), ("no", "Waiting for confirmation")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Who receives new posts: newest first, by address, author and confirmation."""

    list_display = ["email", "author", "created_at", "confirmed_at"]
    list_filter = [ConfirmedFilter, ("author", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email"]
    list_select_related = ["author"]
    raw_id_fields = ["author"]
    readonly_fields = ["created_at", "confirmed_at"]
