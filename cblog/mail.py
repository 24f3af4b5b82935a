"""Mails sent by background jobs: absolute links without a request, one-click unsubscribe."""

from django.conf import settings
from django.core.mail import EmailMessage


def site_url(path: str) -> str:
    """The public URL of a path, from SITE_DOMAIN: a worker has no request to take a host from."""
    scheme = "https" if settings.SECURE_SSL_REDIRECT else "http"
    return f"{scheme}://{settings.SITE_DOMAIN or 'localhost:8000'}{path}"


def send_unsubscribable(*, to: str, subject: str, body: str, unsubscribe_path: str) -> None:
    """Sends one mail whose one-click unsubscribe link is in the text and in the headers that
    mail clients show as a button (RFC 2369, RFC 8058)."""
    unsubscribe = site_url(unsubscribe_path)
    EmailMessage(
        subject=subject,
        body=f"{body}\n\n--\nUnsubscribe: {unsubscribe}\n",
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()
