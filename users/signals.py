"""Profiles for every user, however created (registration, admin, createsuperuser)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog.models import Image
from users.models import Profile, User


@receiver(post_save, sender=User)
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(post_delete, sender=Profile)
def delete_avatar(sender, instance, **kwargs):
    if instance.avatar_id:
        Image.objects.filter(pk=instance.avatar_id).delete()
