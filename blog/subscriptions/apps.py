from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "blog.subscriptions"
    label = "subscriptions"

    def ready(self):
        from blog.subscriptions import signals  # noqa: F401
