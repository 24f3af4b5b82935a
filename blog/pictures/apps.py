from django.apps import AppConfig


class PicturesConfig(AppConfig):
    name = "blog.pictures"
    label = "pictures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from blog.pictures.services import pictures_abandoned
        from cblog.images.services import ABANDONED_OWNERS

        ABANDONED_OWNERS.append(pictures_abandoned)
