"""Subscribing, confirming, leaving, and mailing a new post to its subscribers exactly once."""

from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import now

from blog.models import Post
from blog.subscriptions import tasks
from blog.subscriptions.models import Announcement, Delivery, Subscription
from cblog.jobs import enqueue
from cblog.mail import send_unsubscribable, site_url
from cblog.unsubscribe import unsubscribe_token
from users.identity import canonical_email

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"
CONFIRM_DAYS = 7
# Posts published longer ago than this are never mailed: an edit to an old post, or a post from
# before subscriptions existed, is not news.
ANNOUNCE_WINDOW = timedelta(days=2)


def subscription_request(*, email: str, author=None) -> None:
    """Records an unconfirmed subscription and queues the mail that confirms it.

    Whatever the address's state, the caller says the same thing, so the form reveals nobody's
    subscriptions; a confirmed address gets no new mail.
    """
    email = canonical_email(email)
    scope = {"email": email, "author": author}
    try:
        with transaction.atomic():
            subscription, _ = Subscription.objects.get_or_create(**scope)
    except IntegrityError:  # the same address, twice at once
        subscription = Subscription.objects.get(**scope)
    if subscription.confirmed_at is None:
        enqueue(tasks.subscription_confirm_send, subscription_id=subscription.pk)


def confirm_path(subscription: Subscription) -> str:
    token = signing.dumps(subscription.pk, salt=CONFIRM_SALT)
    return reverse("subscriptions:confirm", args=[token])


def unsubscribe_path(subscription: Subscription) -> str:
    token = unsubscribe_token(subscription.pk, salt=UNSUBSCRIBE_SALT)
    return reverse("subscriptions:unsubscribe", args=[token])


def subscription_confirm_send(*, subscription_id: int) -> bool:
    subscription = Subscription.objects.filter(pk=subscription_id, confirmed_at__isnull=True)
    subscription = subscription.select_related("author").first()
    if subscription is None:
        return False
    send_unsubscribable(
        to=subscription.email,
        subject=f"Confirm your subscription to {subscription.topic}",
        body=(
            f"Someone, hopefully you, asked to receive {subscription.topic} at this address.\n\n"
            f"Confirm within {CONFIRM_DAYS} days: {site_url(confirm_path(subscription))}\n\n"
            "If it was not you, ignore this mail: nothing will be sent."
        ),
        unsubscribe_path=unsubscribe_path(subscription),
    )
    return True


def subscription_from_confirm_token(token: str) -> Subscription | None:
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=CONFIRM_DAYS))
    except signing.BadSignature:
        return None
    return Subscription.objects.select_related("author").filter(pk=pk).first()


def subscription_confirm(*, subscription: Subscription) -> None:
    Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )


def subscription_cancel(*, subscription_id: int) -> None:
    Subscription.objects.filter(pk=subscription_id).delete()


# Subscribers mailed by one job: a job stays short, and a worker lost mid-job leaves few to redo.
ANNOUNCE_BATCH = 100


def announceable(post_id: int) -> Post | None:
    """The post, if it is public and recent enough to be news."""
    post = Post.objects.published().select_related("author").filter(pk=post_id).first()
    if post is None or not post.published_at or post.published_at < now() - ANNOUNCE_WINDOW:
        return None
    return post


def post_announce(*, post_id: int) -> int:
    """Queues the mails of a newly published post, one job per ANNOUNCE_BATCH subscribers
    waiting for it; returns how many jobs. Each query reads one batch's ids off the primary key,
    so planning costs the same per batch however many subscribe."""
    post = announceable(post_id)
    if post is None:
        return 0
    waiting = Subscription.objects.for_post(post).exclude(deliveries__post=post).order_by("pk")
    batches, after = 0, 0
    while ids := list(waiting.filter(pk__gt=after).values_list("pk", flat=True)[:ANNOUNCE_BATCH]):
        enqueue(tasks.post_announce_batch, post_id=post.pk, first_id=ids[0], last_id=ids[-1])
        batches, after = batches + 1, ids[-1]
    Announcement.objects.get_or_create(post=post)
    return batches


def post_announce_batch(*, post_id: int, first_id: int, last_id: int) -> int:
    """Mails a post to its subscribers with ids from first_id to last_id, each once; returns how
    many mails.

    Safe to run on several workers at once: each mail is sent inside a transaction that holds
    the subscription's row lock and inserts its (post, subscription) delivery row, so a racing
    worker waits for the lock and then finds the row, and a failed send leaves no row for the
    retry. Two inserts of one unique key are never in flight: on InnoDB they deadlock over the
    key's gap when an earlier delivery was deleted and not yet purged.
    """
    post = announceable(post_id)
    if post is None:
        return 0
    waiting = Subscription.objects.for_post(post).exclude(deliveries__post=post)
    sent = 0
    for subscription in waiting.filter(pk__range=(first_id, last_id)).select_related("author"):
        with transaction.atomic():
            locked = Subscription.objects.select_for_update().filter(pk=subscription.pk)
            if not locked.exists():
                continue  # unsubscribed since the batch began
            if Delivery.objects.filter(post=post, subscription=subscription).exists():
                continue  # another worker mailed this one
            Delivery.objects.create(post=post, subscription=subscription)
            send_unsubscribable(
                to=subscription.email,
                subject=post.title,
                body=(
                    f"{post.author.get_username()} published “{post.title}”.\n\n"
                    f"{post.excerpt}\n\nRead it: {site_url(post.get_absolute_url())}\n\n"
                    f"You receive this because you subscribed to {subscription.topic}."
                ),
                unsubscribe_path=unsubscribe_path(subscription),
            )
        sent += 1
    return sent


def posts_announce_due() -> int:
    """Queues the announcement of every recently published post not yet announced (posts whose
    time came without a save: scheduled ones). Returns how many were queued."""
    due = (
        Post.objects.published()
        .filter(published_at__gte=timezone.now() - ANNOUNCE_WINDOW, announcement__isnull=True)
        .values_list("pk", flat=True)
    )
    for post_id in due:
        enqueue(tasks.post_announce, post_id=post_id)
    return len(due)
