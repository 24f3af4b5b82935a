from django.conf import settings
from django.db import models
from django.db.models import Q

from blog.models import Post


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def for_post(self, post: Post):
        """Confirmed before the post was published, to the whole blog or to its author."""
        return self.confirmed().filter(
            Q(author__isnull=True) | Q(author_id=post.author_id),
            confirmed_at__lte=post.published_at,
        )


class Subscription(models.Model):
    """One address following the whole blog (no author) or one author; mailed once confirmed."""

    email = models.EmailField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscribers",
        help_text="Empty: the whole blog.",
    )
    # "blog" or "author:<id>": unique with the address, which a nullable column cannot be on MySQL.
    scope = models.CharField(max_length=30, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["email", "scope"], name="one_subscription_per_scope")
        ]

    def __str__(self):
        return f"{self.email} → {self.author or 'the whole blog'}"

    def save(self, *args, **kwargs):
        self.scope = f"author:{self.author_id}" if self.author_id else "blog"
        super().save(*args, **kwargs)

    @property
    def topic(self) -> str:
        return f"new posts by {self.author.get_username()}" if self.author_id else "new posts"


class Announcement(models.Model):
    """A post whose mails went out: the sweep for scheduled posts skips it."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="announcement")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.post} announced"


class Delivery(models.Model):
    """A post mailed to a subscriber; the unique pair lets racing workers send it only once."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["post", "subscription"], name="one_delivery_per_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.post} to {self.subscription.email}"
