from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "cblog.images"
    label = "images"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cblog.images import signals  # noqa: F401
