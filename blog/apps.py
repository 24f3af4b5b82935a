from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def search_index_repair(using, **kwargs):
    from blog.search.schema import sqlite_index_repair

    sqlite_index_repair(connections[using])


class BlogConfig(AppConfig):
    name = "blog"

    def ready(self):
        from blog import signals  # noqa: F401
        from blog.models import next_publication
        from cblog import page_cache

        page_cache.changes_at(next_publication)

        post_migrate.connect(search_index_repair, sender=self)
