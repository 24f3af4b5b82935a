"""Compares the stored media with the Image rows: orphan objects, rows whose objects are gone,
and uploads that nothing uses (ABANDONED_OWNERS: pictures for a post that was never saved)."""

import posixpath
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from cblog.images.models import Image
from cblog.images.services import ABANDONED_OWNERS
from cblog.images.signals import owned_image_fields


def stored_names(storage, folder="", progress=None):
    """Every file name under folder; listdir works alike on local disk and on S3."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return  # a local MEDIA_ROOT that was never created
    for name in files:
        if progress is not None:
            progress.update()
        yield posixpath.join(folder, name)
    for name in directories:
        yield from stored_names(storage, posixpath.join(folder, name), progress)


def abandoned_owners(before):
    """Rows that own an image nobody uses, created before this time, oldest first."""
    return [row for find in ABANDONED_OWNERS for row in find(before).order_by("pk")]


def describe(owner):
    images = ", ".join(
        f"image {getattr(owner, field.attname)}" for field in owned_image_fields(type(owner))
    )
    return f"{owner._meta.label} {owner.pk} ({images})"


def referenced_names():
    """Each name an Image row refers to, with the row's primary key."""
    fields = Image.FILE_FIELDS
    rows = Image.objects.values_list("pk", "renditions", *fields).iterator()
    return {
        name: pk
        for pk, renditions, *names in rows
        for name in [*names, *(rendition["name"] for rendition in renditions)]
        if name
    }


class Command(BaseCommand):
    help = (
        "Lists media objects that no Image row references and Image rows whose objects are "
        "missing, and uploads nothing uses; with --delete, deletes the orphan objects and the "
        "unused uploads (never other rows)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Delete orphan objects.")
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Delete only orphans at least this old, sparing uploads whose row is not "
            "committed yet (default: 60).",
        )
        parser.add_argument(
            "--unused-min-age",
            type=int,
            default=24,
            metavar="HOURS",
            help="Delete only unused uploads at least this old, sparing a post still being "
            "written (default: 24).",
        )

    def handle(self, *, delete, min_age, unused_min_age, **options):
        # Listed before the rows are read, so an upload committed meanwhile is never an orphan.
        with tqdm(desc="Listing media", unit=" objects", disable=None) as progress:
            stored = set(stored_names(default_storage, progress=progress))
        referenced = referenced_names()
        abandoned = abandoned_owners(timezone.now())
        orphans = sorted(stored - referenced.keys())
        missing = sorted(set(referenced) - stored)

        self.report("Orphan objects (no row references them):", orphans)
        self.report(
            "Missing objects (rows whose objects are gone):",
            [f"{name} (image {referenced[name]})" for name in missing],
        )
        self.report("Unused uploads (nothing took them):", [describe(row) for row in abandoned])
        summary = (
            f"{len(stored)} objects, {len(set(referenced.values()))} images: "
            f"{len(orphans)} orphan objects, {len(missing)} missing objects, "
            f"{len(abandoned)} unused uploads"
        )
        if delete:
            now = timezone.now()
            deleted, recent = self.delete(orphans, now - timedelta(minutes=min_age))
            unused = self.delete_abandoned(now - timedelta(hours=unused_min_age))
            summary += (
                f"; deleted {deleted}, kept {recent} younger than {min_age} min"
                f"; deleted {unused} unused uploads, kept {len(abandoned) - unused} younger "
                f"than {unused_min_age} h"
            )
        self.stdout.write(summary)

    def report(self, heading, lines):
        if lines:
            self.stdout.write(heading)
            for line in lines:
                self.stdout.write(f"  {line}")

    def delete_abandoned(self, cutoff):
        """Deletes each unused upload older than cutoff: its image row goes with it, and its
        objects after the commit (cblog.images.signals)."""
        owners = abandoned_owners(cutoff)
        for owner in owners:
            with transaction.atomic():
                owner.delete()
        return len(owners)

    def delete(self, orphans, cutoff):
        deleted = recent = 0
        for name in tqdm(orphans, desc="Deleting orphans", unit=" objects", disable=None):
            if default_storage.get_modified_time(name) > cutoff:
                recent += 1
                continue
            default_storage.delete(name)
            deleted += 1
        return deleted, recent
