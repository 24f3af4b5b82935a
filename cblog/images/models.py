from django.db import models


class Image(models.Model):
    """An uploaded picture, cleaned, with its renditions; dimensions stored so pages never ask S3."""

    original = models.FileField(max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    display = models.FileField(max_length=255)
    display_width = models.PositiveIntegerField()
    display_height = models.PositiveIntegerField()
    thumbnail = models.FileField(max_length=255)
    thumbnail_width = models.PositiveIntegerField()
    thumbnail_height = models.PositiveIntegerField()
    # The <picture> sources: [{"name", "type", "width", "height"}], by width, largest first.
    renditions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    FILE_FIELDS = ("original", "display", "thumbnail")

    class Meta:
        # The table the blog app created before images had an app of their own.
        db_table = "blog_image"

    def __str__(self):
        return self.original.name

    @property
    def file_names(self):
        fields = [getattr(self, field).name for field in self.FILE_FIELDS]
        return fields + [rendition["name"] for rendition in self.renditions]

    @property
    def srcset(self):
        """The fallback JPEG (or PNG) widths."""
        if self.thumbnail_width == self.display_width:
            return f"{self.display.url} {self.display_width}w"
        return (
            f"{self.thumbnail.url} {self.thumbnail_width}w, "
            f"{self.display.url} {self.display_width}w"
        )

    @property
    def sources(self):
        """[{"type", "srcset"}] for <picture>'s <source> elements, one per type, in the order
        stored. URLs come from the storage alone: rendering a page never asks S3 anything."""
        by_type = {}
        for rendition in self.renditions:
            url = self.display.storage.url(rendition["name"])
            by_type.setdefault(rendition["type"], []).append(f"{url} {rendition['width']}w")
        return [{"type": kind, "srcset": ", ".join(urls)} for kind, urls in by_type.items()]


class OwnedImageField(models.OneToOneField):
    """A model's own picture: optional, and deleted with its files when the owner row goes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("to", Image)
        kwargs.setdefault("on_delete", models.SET_NULL)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(**kwargs)
