"""Object cleanup for deletions that have no service to call it: admin deletes and cascades."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from blog.models import Image, Post
from blog.services import image_delete_files_on_commit


@receiver(post_delete, sender=Image)
def delete_image_files(sender, instance, **kwargs):
    image_delete_files_on_commit(instance)


@receiver(post_delete, sender=Post)
def delete_post_image(sender, instance, **kwargs):
    if instance.image_id:
        Image.objects.filter(pk=instance.image_id).delete()
