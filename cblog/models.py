import secrets

from django.db import models
from django.db.models import F


class ContentVersion(models.Model):
    """The content version where there is no shared cache: one row, which every process of every
    instance reads before it trusts a page or fragment it keeps (cblog/page_cache.py)."""

    ROW = 1

    version = models.BigIntegerField()

    def __str__(self):
        return str(self.version)

    @classmethod
    def current(cls) -> int:
        version = cls.objects.filter(pk=cls.ROW).values_list("version", flat=True).first()
        if version is None:  # a new or emptied database
            version = cls.objects.get_or_create(pk=cls.ROW, defaults=cls.fresh())[0].version
        return version

    @classmethod
    def bump(cls):
        # An increment in the database, so that concurrent bumps never undo each other. A missing
        # row (a new or emptied database) starts at a random number, which no process holds pages
        # under, whatever the clock says.
        while not cls.objects.filter(pk=cls.ROW).update(version=F("version") + 1):
            cls.objects.get_or_create(pk=cls.ROW, defaults=cls.fresh())

    @staticmethod
    def fresh() -> dict:
        return {"version": secrets.randbits(62)}
