"""Background jobs on comments: thin wrappers around the services, safe to run twice."""

from smtplib import SMTPException

from celery import shared_task


# Mail servers fail for a while: retried with backoff, the claim rolled back each time.
@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=True, max_retries=8)
def comment_notify(*, comment_id: int) -> int:
    from blog.comments.notifications import comment_notify

    return comment_notify(comment_id=comment_id)
