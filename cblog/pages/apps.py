from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "cblog.pages"
    label = "pages"
