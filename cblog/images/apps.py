from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "cblog.images"
    label = "images"

    def ready(self):
        from cblog.images import signals  # noqa: F401
