import io
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test.utils import override_settings

from cblog.images.models import Image
from cblog.images.processing import process_image
from cblog.images.services import image_uploaded
from cblog.images.tests.files import make_jpeg
from cblog.images.tests.storage import stored_files


@pytest.fixture(params=["local", "s3"])
def media(request, tmp_path):
    """An empty media store: a temp folder on disk, or a fresh moto bucket."""
    if request.param == "s3":
        request.getfixturevalue("s3_media")
        yield
        return
    local = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with override_settings(STORAGES=local, MEDIA_ROOT=tmp_path / "media"):
        yield


def stored_image():
    with image_uploaded(process_image(io.BytesIO(make_jpeg(400, 300))), folder="blog") as image:
        image.save()
    return image


@pytest.fixture
def drift(media, db):
    """One intact image, one image missing its thumbnail, and two objects no row references."""
    intact, damaged = stored_image(), stored_image()
    default_storage.delete(damaged.thumbnail.name)
    orphans = [
        default_storage.save(f"blog/{uuid.uuid4().hex}/original.jpg", ContentFile(b"left over")),
        default_storage.save(f"users/{uuid.uuid4().hex}/display.jpg", ContentFile(b"left over")),
    ]
    return {"intact": intact, "damaged": damaged, "orphans": orphans}


def run(*args):
    out = io.StringIO()
    call_command("media_orphans", *args, stdout=out)
    return out.getvalue()


def orphan_section(output):
    return output.split("Missing objects")[0]


def test_lists_every_object_that_no_row_references(drift):
    output = orphan_section(run())
    assert all(name in output for name in drift["orphans"])
    assert not any(name in output for name in drift["intact"].file_names)


def test_lists_rows_whose_objects_are_missing(drift):
    missing = run().split("Missing objects")[1]
    assert f"{drift['damaged'].thumbnail.name} (image {drift['damaged'].pk})" in missing
    assert drift["damaged"].display.name not in missing


def test_the_summary_counts_objects_images_orphans_and_missing_objects(drift):
    # Each 400 px image: original, display, thumbnail, and WebP at 400 and 320 px.
    assert run().splitlines()[-1] == (
        "11 objects, 2 images: 2 orphan objects, 1 missing objects, 0 unused uploads"
    )


def test_a_missing_webp_rendition_is_a_missing_object(drift):
    name = drift["intact"].renditions[0]["name"]
    default_storage.delete(name)

    assert f"{name} (image {drift['intact'].pk})" in run().split("Missing objects")[1]


def test_a_store_without_drift_reports_no_orphans_and_nothing_missing(media, db):
    stored_image()
    assert run() == ("5 objects, 1 images: 0 orphan objects, 0 missing objects, 0 unused uploads\n")


def test_delete_removes_the_orphans_and_keeps_every_referenced_object_and_row(drift):
    before = stored_files()
    run("--delete", "--min-age", "0")
    assert stored_files() == before - set(drift["orphans"])
    assert Image.objects.count() == 2


def test_delete_spares_orphans_younger_than_the_minimum_age(drift):
    before = stored_files()
    output = run("--delete")
    assert stored_files() == before
    assert "; deleted 0, kept 2 younger than 60 min;" in output
