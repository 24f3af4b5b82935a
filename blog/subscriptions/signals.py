"""A post is published from the form, the admin, the bulk action and the schedule alike."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from blog.models import Post
from blog.subscriptions import tasks
from blog.subscriptions.models import Announcement
from cblog.jobs import enqueue


@receiver(post_save, sender=Post)
def announce_published_post(sender, instance, raw=False, **kwargs):
    if raw or not instance.is_published:
        return
    if not Announcement.objects.filter(post=instance).exists():
        enqueue(tasks.post_announce, post_id=instance.pk)
