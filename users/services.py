import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from cblog.images.processing import ProcessedImage
from cblog.images.services import image_replaced
from users.models import Profile, User

logger = logging.getLogger(__name__)


def profile_update(
    *,
    profile: Profile,
    account: dict,
    bio: str,
    avatar: ProcessedImage | None,
    remove_avatar=False,
    notifications: dict | None = None,
) -> Profile:
    """Saves account fields, bio and avatar together; a replaced avatar's objects go after commit.

    A changed email address is told to the previous one, in case the change was not the owner's.
    """
    user = profile.user
    previous_email = User.objects.values_list("email", flat=True).get(pk=user.pk)
    for field, value in account.items():
        setattr(user, field, value)
    profile.bio = bio
    for field, value in (notifications or {}).items():
        setattr(profile, field, value)
    with image_replaced(profile, "avatar", avatar, folder="users", remove=remove_avatar):
        user.save()
        profile.save()
        if user.email != previous_email:
            account_change_notify(user=user, address=previous_email, change="email address")
    return profile


def account_change_notify(*, user: User, address: str, change: str) -> None:
    """Mails `address`, after the commit, that the account's `change` (its email address, its
    password) was changed. A mail failure is logged: the change itself stands."""
    context = {
        "user": user,
        "change": change,
        "new_email": user.email,
        "site_name": settings.SITE_NAME,
    }
    subject = f"Your {settings.SITE_NAME} {change} was changed"
    body = render_to_string("users/account_changed_email.txt", context)

    def send():
        try:
            send_mail(subject, body, None, [address])
        except OSError:  # smtplib's errors included
            logger.exception("Could not send the %s change notice", change)

    transaction.on_commit(send)
