"""Writes for the site's pages and contact messages."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from cblog.jobs import enqueue
from cblog.markdown import render_markdown
from cblog.page_cache import content_changed
from cblog.pages import tasks
from cblog.pages.models import ContactMessage, SitePage


def site_page_save(*, page: SitePage) -> SitePage:
    """Renders the page's Markdown and saves it; cached pages show it from the next request."""
    page.body_html = render_markdown(page.body)
    page.save()
    content_changed()
    return page


def contact_message_create(*, name: str, email: str, message: str) -> ContactMessage:
    """Keeps the message, then mails it to the admins in the background."""
    contact = ContactMessage.objects.create(name=name, email=email, message=message)
    enqueue(tasks.contact_message_mail, message_id=contact.pk)
    return contact


def admin_addresses() -> list[str]:
    """ADMINS (DJANGO_ADMINS), else the active superusers: a fresh install names nobody."""
    if settings.ADMINS:
        return [address for _name, address in settings.ADMINS]
    superusers = get_user_model().objects.filter(is_superuser=True, is_active=True)
    return sorted(superusers.exclude(email="").values_list("email", flat=True))


def contact_message_mail(*, message_id: int) -> int:
    """Mails a contact message to the admins once, however often the job runs; returns how many
    addresses it went to. Answering the mail answers the sender (Reply-To).

    The row is claimed by stamping `mailed_at`, and the mail goes out inside that transaction: a
    second worker waits on the row lock, then finds it taken; a failed send rolls the claim back.
    """
    recipients = admin_addresses()
    if not recipients:  # kept for the admin's list, unclaimed until someone can be told
        return 0
    with transaction.atomic():
        claimed = ContactMessage.objects.filter(pk=message_id, mailed_at__isnull=True).update(
            mailed_at=timezone.now()
        )
        if not claimed:
            return 0
        contact = ContactMessage.objects.get(pk=message_id)
        EmailMessage(
            subject=f"[{settings.SITE_NAME}] Message from {contact.name}",
            body=(
                f"{contact.name} <{contact.email}> wrote from the contact page:\n\n"
                f"{contact.message}\n\n--\nReplying to this mail answers {contact.email}.\n"
            ),
            to=recipients,
            reply_to=[contact.email],
        ).send()
    return len(recipients)
