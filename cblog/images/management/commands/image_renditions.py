"""Makes the <picture> renditions of images stored before they existed, from their originals."""

import posixpath
import uuid

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from tqdm import tqdm

from cblog.images.models import Image
from cblog.images.processing import POST_IMAGE, process_image
from cblog.images.services import files_delete, variants_uploaded

# The specs by the folder their images are stored under; avatars have no variants.
SPECS = {"blog": POST_IMAGE}


def spec_for(image):
    return SPECS.get(image.original.name.split("/", 1)[0])


def renditions_add(image) -> int:
    """Stores the image's variants beside its other files and records them; returns how many.

    The row is written only if it still has none, so two runs never both keep theirs; objects
    stored for a row that was not written are deleted again.
    """
    spec = spec_for(image)
    with default_storage.open(image.original.name) as original:
        variants = process_image(original, spec).variants
    uploaded = []
    try:
        # A folder of this run's own: a concurrent run never overwrites (then deletes) these.
        folder = posixpath.join(posixpath.dirname(image.original.name), uuid.uuid4().hex[:12])
        renditions = variants_uploaded(variants, folder, uploaded)
        updated = Image.objects.filter(pk=image.pk, renditions=[]).update(renditions=renditions)
    except BaseException:
        files_delete(uploaded)
        raise
    if not updated:
        files_delete(uploaded)
    return len(renditions) if updated else 0


class Command(BaseCommand):
    help = (
        "Makes the WebP renditions (320-1200 px) of post images stored without them, from each "
        "image's stored original. Safe to run again: images that have them are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the images, change nothing."
        )

    def handle(self, *, dry_run, **options):
        missing = [
            image
            for image in Image.objects.only("pk", "original", "renditions").iterator()
            if not image.renditions and spec_for(image)
        ]
        self.stdout.write(f"{len(missing)} image(s) without renditions")
        if dry_run:
            return
        made = failed = 0
        for image in tqdm(missing, desc="Renditions", unit=" images", disable=None):
            try:
                made += renditions_add(image)
            except Exception as error:  # a missing or damaged original: report, go on
                failed += 1
                self.stderr.write(f"{image.original.name}: {error}")
        self.stdout.write(f"{made} rendition(s) stored; {failed} image(s) failed")
