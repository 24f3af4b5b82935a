"""Profiles for every user, however created (registration, admin, createsuperuser)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cblog.page_cache import content_changed
from users.models import Profile, User


@receiver(post_save, sender=User)
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(post_save, sender=Profile)
@receiver(post_delete, sender=Profile)
@receiver(post_delete, sender=User)
def drop_cached_pages(sender, **kwargs):
    """Names, bios and avatars show on posts and author pages."""
    content_changed()


@receiver(post_save, sender=User)
def drop_cached_pages_on_account_change(sender, update_fields=None, **kwargs):
    """Also drops the kept users (users/backends.py), which hold every field but last_login."""
    if update_fields is None or set(update_fields) - {"last_login"}:
        content_changed()
