from django.apps import AppConfig


class RevisionsConfig(AppConfig):
    name = "blog.revisions"
    label = "revisions"
    default_auto_field = "django.db.models.BigAutoField"
