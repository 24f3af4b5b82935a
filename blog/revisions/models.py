from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from blog.models import Post


class Revision(models.Model):
    """A post as one save left it: title, text and the other fields its author edits."""

    class Kind(models.TextChoices):
        SAVE = "save", "Save"
        AUTOSAVE = "autosave", "Autosave"
        PUBLISH = "publish", "Publish"
        RESTORE = "restore", "Restore"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who saved it.",
    )
    kind = models.CharField(max_length=10, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    content = models.TextField()
    # Other edited fields by attribute name (category_id, status, published_at, …); tags by name.
    metadata = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} of “{self.title}”, {self.created_at:%Y-%m-%d %H:%M}"
