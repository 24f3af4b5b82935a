"""Storing images: renditions uploaded under unique keys, and deleted only after the commit."""

import logging
import uuid
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from cblog.images.models import Image
from cblog.images.processing import ProcessedImage

logger = logging.getLogger(__name__)


# Apps whose image owners can be left unused (a picture uploaded for a post never saved) add a
# function here: given a time, it returns a queryset of such owner rows created before it.
# media_orphans lists them, and with --delete deletes them with their images.
ABANDONED_OWNERS = []


class ImageStorageError(Exception):
    """The object store failed; nothing of the upload was kept."""


def files_delete(names):
    """Deletes stored objects, logging (not raising) failures: the rows are already gone."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("Could not delete stored object %s", name)


@contextmanager
def image_uploaded(processed: ProcessedImage | None, *, folder: str):
    """Uploads renditions under <folder>/<uuid>/ and yields the unsaved Image row.

    If the upload or anything in the block fails, the uploaded objects are deleted again,
    so the store never keeps an object that no row references.
    """
    if processed is None:
        yield None
        return
    prefix = f"{folder}/{uuid.uuid4().hex}"
    image = Image()
    uploaded = []
    try:
        try:
            for field in Image.FILE_FIELDS:
                rendition = getattr(processed, field)
                name = default_storage.save(
                    f"{prefix}/{field}.{rendition.extension}", ContentFile(rendition.content)
                )
                uploaded.append(name)
                setattr(image, field, name)
            image.renditions = variants_uploaded(processed.variants, prefix, uploaded)
        except Exception as exc:
            logger.exception("Upload to %s failed", prefix)
            raise ImageStorageError("The image could not be stored.") from exc
        image.width, image.height = processed.original.width, processed.original.height
        image.display_width, image.display_height = (
            processed.display.width,
            processed.display.height,
        )
        image.thumbnail_width = processed.thumbnail.width
        image.thumbnail_height = processed.thumbnail.height
        yield image
    except BaseException:
        files_delete(uploaded)
        raise


def variants_uploaded(variants, prefix: str, uploaded: list) -> list[dict]:
    """Uploads the variants under prefix, appending each name to `uploaded` as soon as it is
    stored; returns what Image.renditions keeps of them."""
    renditions = []
    for variant in variants:
        name = default_storage.save(
            f"{prefix}/w{variant.width}.{variant.extension}", ContentFile(variant.content)
        )
        uploaded.append(name)
        renditions.append(
            {
                "name": name,
                "type": variant.content_type,
                "width": variant.width,
                "height": variant.height,
            }
        )
    return renditions


def image_delete_files_on_commit(image: Image):
    names = image.file_names
    transaction.on_commit(lambda: files_delete(names))


@contextmanager
def image_replaced(owner, field: str, processed: ProcessedImage | None, *, folder, remove=False):
    """Saves owner.<field> = the new upload (or None when removed) in one transaction.

    The block saves the owner. The old image row is deleted in the same transaction and its
    objects after the commit; the new objects are deleted if anything fails.
    """
    old = getattr(owner, field) if (processed or remove) else None
    with image_uploaded(processed, folder=folder) as stored, transaction.atomic():
        if stored:
            stored.save()
        if stored or remove:
            setattr(owner, field, stored)
        yield
        if old:
            old.delete()
