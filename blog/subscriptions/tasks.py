"""Background jobs on subscriptions: thin wrappers around the services, safe to run twice."""

from smtplib import SMTPException

from celery import shared_task

RETRY = {"autoretry_for": (OSError, SMTPException), "retry_backoff": True, "max_retries": 8}


@shared_task(**RETRY)
def subscription_confirm_send(*, subscription_id: int) -> bool:
    from blog.subscriptions.services import subscription_confirm_send

    return subscription_confirm_send(subscription_id=subscription_id)


@shared_task(**RETRY)
def post_announce(*, post_id: int) -> int:
    from blog.subscriptions.services import post_announce

    return post_announce(post_id=post_id)


@shared_task(**RETRY)
def post_announce_batch(*, post_id: int, first_id: int, last_id: int) -> int:
    from blog.subscriptions.services import post_announce_batch

    return post_announce_batch(post_id=post_id, first_id=first_id, last_id=last_id)
