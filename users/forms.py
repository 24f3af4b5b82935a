import functools

from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    PasswordResetForm,
    UserChangeForm,
    UserCreationForm,
    UsernameField,
)

from cblog.images.forms import ImageUploadField, ImageUploadMixin
from cblog.images.processing import AVATAR_IMAGE
from users.identity import normalize_email, username_skeleton
from users.models import Profile, User


class NormalizedEmailField(forms.EmailField):
    """Normalises before validating, so that full-width letters are ordinary ones."""

    def to_python(self, value):
        return normalize_email(super().to_python(value))


FIELD_CLASSES = {"username": UsernameField, "email": NormalizedEmailField}


class UniqueEmailMixin:
    """Email addresses are unique once normalised (case, compatibility forms, invisibles)."""

    def clean_email(self):
        email = self.cleaned_data["email"]
        if others(self.instance).filter(email=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


class DistinctUsernameMixin:
    """Refuses a username that looks like another account's (alice with a Cyrillic a)."""

    def clean_username(self):
        # UserCreationForm's own check (names differing only in case) runs first; it returns
        # None once it has reported the name as taken.
        parent = getattr(super(), "clean_username", None)
        username = parent() if parent else self.cleaned_data["username"]
        if username is None:
            return username
        if others(self.instance).filter(username_skeleton=username_skeleton(username)).exists():
            raise forms.ValidationError(
                "This username looks too much like an existing one. Please choose another."
            )
        return username


def others(user):
    """Every account but this one (a new user has none to exclude)."""
    return User.objects.exclude(pk=user.pk) if user.pk else User.objects.all()


class RegistrationForm(DistinctUsernameMixin, UniqueEmailMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ["username", "email"]
        field_classes = FIELD_CLASSES


class AdminUserAddForm(DistinctUsernameMixin, UniqueEmailMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "email"]
        field_classes = FIELD_CLASSES


class AdminUserEditForm(DistinctUsernameMixin, UniqueEmailMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        field_classes = FIELD_CLASSES


class AccountForm(UniqueEmailMixin, forms.ModelForm):
    """Names and email; a new email needs the current password, so that a session left open
    is not enough to take the account over through a password reset."""

    current_password = forms.CharField(
        label="Current password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed only to change your email address.",
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        field_classes = {"email": NormalizedEmailField}

    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("current_password", "")
        # The instance still holds the stored address: the form does not write it until saved.
        if "email" in self.changed_data and not self.instance.check_password(password):
            self.add_error(
                "current_password", "Enter your current password to change your email address."
            )
        return cleaned_data


class ProfileForm(ImageUploadMixin, forms.ModelForm):
    image_field = "avatar"
    avatar = ImageUploadField(spec=AVATAR_IMAGE, help_text="A square crop is made from the centre.")

    class Meta:
        model = Profile
        fields = ["bio", "notify_comments", "notify_replies"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"bio": "A few words shown on your author page."}

    field_order = ["avatar", "bio"]


class DeferredPasswordResetForm(PasswordResetForm):
    """Keeps the reset mails (none for an unknown address) for the view to send after responding."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unsent = []

    def send_mail(self, *args, **kwargs):
        self.unsent.append(functools.partial(super().send_mail, *args, **kwargs))
