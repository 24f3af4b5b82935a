from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse


class User(AbstractUser):
    # Stored lower-cased, so the unique index makes addresses unique case-insensitively.
    email = models.EmailField("email address", unique=True)

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:author", args=[self.username])


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    bio = models.TextField(max_length=1000, blank=True)
    avatar = models.OneToOneField(
        "blog.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="profile"
    )

    def __str__(self):
        return f"Profile of {self.user}"
