"""Post counters kept exact for writes that have no service to call it: admin, cascades, fixtures."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog.models import Comment, Like
from blog.services import post_counts_refresh


@receiver(post_save, sender=Like)
@receiver(post_delete, sender=Like)
@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def refresh_post_counts(sender, instance, **kwargs):
    """Likes and comments change from views, the admin, cascades and fixtures alike."""
    post_counts_refresh(post_ids=[instance.post_id])
