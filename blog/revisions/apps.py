from django.apps import AppConfig


class RevisionsConfig(AppConfig):
    name = "blog.revisions"
    label = "revisions"
