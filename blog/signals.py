"""Object cleanup for deletions that have no service to call it: admin deletes and cascades."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog.models import Comment, Image, Like, Post
from blog.services import image_delete_files_on_commit, post_counts_refresh


@receiver(post_delete, sender=Image)
def delete_image_files(sender, instance, **kwargs):
    image_delete_files_on_commit(instance)


@receiver(post_delete, sender=Post)
def delete_post_image(sender, instance, **kwargs):
    if instance.image_id:
        Image.objects.filter(pk=instance.image_id).delete()


@receiver(post_save, sender=Like)
@receiver(post_delete, sender=Like)
@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def refresh_post_counts(sender, instance, **kwargs):
    """Likes and comments change from views, the admin, cascades and fixtures alike."""
    post_counts_refresh(post_ids=[instance.post_id])
