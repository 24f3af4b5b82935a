from django.apps import AppConfig


class PicturesConfig(AppConfig):
    name = "blog.pictures"
    label = "pictures"

    def ready(self):
        from blog.pictures.services import pictures_abandoned
        from cblog.images.services import ABANDONED_OWNERS

        ABANDONED_OWNERS.append(pictures_abandoned)
