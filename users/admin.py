from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from users.forms import AdminUserAddForm, AdminUserEditForm
from users.models import Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["bio"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    # Both forms ask for the email and check it case-insensitively, as the unique index needs.
    form = AdminUserEditForm
    add_form = AdminUserAddForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = [ProfileInline]
    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]

    def get_inlines(self, request, obj):
        # A new user's profile is created with the user; the inline only edits it.
        return self.inlines if obj else []
