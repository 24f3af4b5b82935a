"""The one cleanup path: an Image row's files go after the commit that deleted the row.

Replacing, clearing, deleting an owner (in a service, the admin or a cascade) all end in the
deletion of the Image row, so no other code deletes image files.
"""

from functools import cache

from django.db.models.signals import post_delete
from django.dispatch import receiver

from cblog.images.models import Image, OwnedImageField
from cblog.images.services import image_delete_files_on_commit


@receiver(post_delete, sender=Image)
def delete_image_files(sender, instance, **kwargs):
    image_delete_files_on_commit(instance)


@cache
def owned_image_fields(model) -> list[OwnedImageField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, OwnedImageField)]


@receiver(post_delete)
def delete_owned_images(sender, instance, **kwargs):
    for field in owned_image_fields(sender):
        if image_id := getattr(instance, field.attname):
            Image.objects.filter(pk=image_id).delete()
