from django.conf import settings
from django.db import models

from blog.models import Post
from cblog.images.models import OwnedImageField
from cblog.images.public import public_url


class InlinePicture(models.Model):
    """A picture uploaded for a post's text.

    It belongs to its post once the post is saved with it (deleted with the post); until then
    only to its uploader, and media_orphans deletes it when no post took it. It leaves its post
    when a save leaves neither the text nor a kept revision showing it (so a restorable revision
    never loses it), and media_orphans deletes it a grace period after that, unless a post shows
    it again.
    """

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="pictures"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inline_pictures"
    )
    image = OwnedImageField(related_name="inline_picture")
    alt = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    detached_at = models.DateTimeField(
        null=True, blank=True, help_text="When its post stopped showing it."
    )

    class Meta:
        indexes = [models.Index(fields=["uploader", "post"], name="picture_uploader_post")]

    def __str__(self):
        return self.alt

    @property
    def url(self):
        """Stable (never presigned): it is written into the post's Markdown."""
        return public_url(self.image.display)
