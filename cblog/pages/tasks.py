"""Background jobs of the site's pages: thin wrappers around the services, safe to run twice."""

from smtplib import SMTPException

from celery import shared_task


# Mail servers fail for a while: retried with backoff, the claim rolled back each time.
@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=True, max_retries=8)
def contact_message_mail(*, message_id: int) -> int:
    from cblog.pages.services import contact_message_mail

    return contact_message_mail(message_id=message_id)
