import factory

from cblog.images.models import Image


class ImageFactory(factory.django.DjangoModelFactory):
    """An image row whose objects are never read: pages need only its names and sizes."""

    class Meta:
        model = Image

    original = factory.Sequence(lambda n: f"blog/{n}/original.jpg")
    width, height = 1600, 1200
    display = factory.Sequence(lambda n: f"blog/{n}/display.jpg")
    display_width, display_height = 1200, 900
    thumbnail = factory.Sequence(lambda n: f"blog/{n}/thumbnail.jpg")
    thumbnail_width, thumbnail_height = 400, 300
