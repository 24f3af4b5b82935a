from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "blog.subscriptions"
    label = "subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from blog.subscriptions import signals  # noqa: F401
