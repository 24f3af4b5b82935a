"""Derived state for writes that have no single service to call it: admin, cascades, fixtures."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog.models import Category, Comment, Like, Post, Tag
from blog.months import month_of, published_months_refresh
from blog.services import post_counts_refresh
from cblog.page_cache import content_changed


@receiver(post_save, sender=Like)
@receiver(post_delete, sender=Like)
@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def refresh_post_counts(sender, instance, **kwargs):
    """Likes and comments change from views, the admin, cascades and fixtures alike."""
    post_counts_refresh(post_ids=[instance.post_id])


@receiver(post_save, sender=Post)
@receiver(post_delete, sender=Post)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def drop_cached_pages(sender, **kwargs):
    """Posts, categories and tags change from services, the admin and cascades alike."""
    content_changed()


@receiver(post_save, sender=Post)
@receiver(post_delete, sender=Post)
def refresh_published_months(sender, instance, **kwargs):
    """A post's month, and the one it left, change from services, the admin and cascades alike."""
    times = {getattr(instance, "stored_published_at", None), instance.published_at}
    published_months_refresh(months={month_of(when) for when in times if when})
    instance.stored_published_at = instance.published_at
