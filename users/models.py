from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse

from cblog.images.models import OwnedImageField
from users.identity import SKELETON_MAX_LENGTH, canonical_email, username_skeleton


class User(AbstractUser):
    # Stored canonical (NFKC, lower-cased), so the unique index holds after normalisation.
    email = models.EmailField("email address", unique=True)
    # Look-alike usernames share a skeleton; indexed so that registration checks in one query.
    username_skeleton = models.CharField(
        max_length=SKELETON_MAX_LENGTH, db_index=True, editable=False
    )

    def save(self, *args, **kwargs):
        self.email = canonical_email(self.email)
        self.username_skeleton = username_skeleton(self.get_username())
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:author", args=[self.username])

    @property
    def display_name(self) -> str:
        """First and last name, or the username for an account without them."""
        return self.get_full_name() or self.get_username()


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    bio = models.TextField(max_length=1000, blank=True)
    avatar = OwnedImageField(related_name="profile")
    # Notification mails; every one of them also carries a one-click link that turns itself off.
    notify_comments = models.BooleanField(
        "Email me when someone comments on my posts", default=True
    )
    notify_replies = models.BooleanField("Email me when someone replies to me", default=True)

    NOTIFICATIONS = ("notify_comments", "notify_replies")

    def __str__(self):
        return f"Profile of {self.user}"


def authors():
    """Users with what their author page shows (profile and picture), in one query."""
    return User.objects.select_related("profile__avatar")
