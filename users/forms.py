from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UserCreationForm

from blog.forms import ImageUploadField
from blog.images import AVATAR_IMAGE
from users.models import Profile, User


class UniqueEmailMixin:
    """Email addresses are unique whatever their case."""

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


class RegistrationForm(UniqueEmailMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ["username", "email"]


class AdminUserAddForm(UniqueEmailMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "email"]


class AdminUserEditForm(UniqueEmailMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class AccountForm(UniqueEmailMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]


class ProfileForm(forms.ModelForm):
    avatar = ImageUploadField(spec=AVATAR_IMAGE, help_text="A square crop is made from the centre.")

    class Meta:
        model = Profile
        fields = ["bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"bio": "A few words shown on your author page."}

    field_order = ["avatar", "bio"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With an initial value the widget renders the current picture and its "Clear" checkbox.
        avatar = self.instance.avatar
        self.fields["avatar"].initial = avatar.display if avatar else None
