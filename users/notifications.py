"""The notification mails an account can turn off, each from a one-click link in the mail."""

from django.urls import reverse

from cblog.unsubscribe import OneClickUnsubscribeView, unsubscribe_token
from users.models import Profile

SALT = "users.notifications.unsubscribe"
WHAT = {
    "notify_comments": "mails about comments on your posts",
    "notify_replies": "mails about replies to your comments",
}


def wants(user, notification: str) -> bool:
    profile = getattr(user, "profile", None)
    return bool(user.email and user.is_active and profile and getattr(profile, notification))


def unsubscribe_path(user, notification: str) -> str:
    token = unsubscribe_token([user.pk, notification], salt=SALT)
    return reverse("users:unsubscribe", args=[token])


class NotificationUnsubscribeView(OneClickUnsubscribeView):
    salt = SALT

    def describe(self, value):
        user_id, notification = value
        if notification not in Profile.NOTIFICATIONS:
            return None
        on = Profile.objects.filter(user_id=user_id, **{notification: True}).exists()
        return WHAT[notification] if on else None

    def unsubscribe(self, value):
        user_id, notification = value
        if notification in Profile.NOTIFICATIONS:
            Profile.objects.filter(user_id=user_id).update(**{notification: False})
