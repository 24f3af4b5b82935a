"""The WebP renditions <picture> offers: widths, formats, storage, backfill, and pages."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image as PILImage

from cblog.images.models import Image
from cblog.images.processing import AVATAR_IMAGE, POST_IMAGE, process_image
from cblog.images.services import files_delete, image_uploaded
from cblog.images.tests.files import encoded, make_image, make_jpeg, make_png
from cblog.images.tests.storage import stored_files


def variants(data, spec=POST_IMAGE):
    return process_image(io.BytesIO(data), spec).variants


def opened(rendition):
    return PILImage.open(io.BytesIO(rendition.content))


def test_a_large_picture_gets_webp_at_1200_960_640_480_and_320_px():
    made = variants(make_jpeg(2400, 1600))

    assert [(v.width, v.height) for v in made] == [
        (1200, 800),
        (960, 640),
        (640, 427),
        (480, 320),
        (320, 213),
    ]
    for variant in made:
        assert (variant.extension, variant.content_type) == ("webp", "image/webp")
        assert (opened(variant).format, opened(variant).size) == (
            "WEBP",
            (variant.width, variant.height),
        )


def test_a_picture_narrower_than_a_width_offers_its_own_width_once():
    assert [v.width for v in variants(make_jpeg(800, 600))] == [800, 640, 480, 320]


def test_a_transparent_picture_keeps_its_alpha_in_webp():
    for variant in variants(make_png(640, 480, transparent=True)):
        assert opened(variant).mode == "RGBA"


def test_a_grey_picture_becomes_webp_too():
    made = variants(make_image("PNG", 700, 500, mode="L"))

    assert [opened(v).format for v in made] == ["WEBP"] * 4


def test_avatars_have_no_variants():
    assert variants(make_jpeg(800, 800), AVATAR_IMAGE) == ()


@pytest.fixture
def stored(db):
    def store(data, spec=POST_IMAGE):
        with image_uploaded(process_image(io.BytesIO(data), spec), folder="blog") as image:
            image.save()
        return image

    return store


def test_stored_variants_are_recorded_with_their_sizes_and_deleted_with_the_row(
    stored, django_capture_on_commit_callbacks
):
    image = stored(make_jpeg(1600, 1200))
    names = {rendition["name"] for rendition in image.renditions}
    every_name = set(image.file_names)

    assert [(r["type"], r["width"], r["height"]) for r in image.renditions] == [
        ("image/webp", 1200, 900),
        ("image/webp", 960, 720),
        ("image/webp", 640, 480),
        ("image/webp", 480, 360),
        ("image/webp", 320, 240),
    ]
    assert names <= every_name <= stored_files("blog")
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not every_name & stored_files("blog")


def test_sources_list_each_type_with_its_widths(stored):
    image = stored(make_jpeg(1600, 1200))

    (source,) = image.sources

    assert source["type"] == "image/webp"
    assert [entry.rsplit(" ", 1)[1] for entry in source["srcset"].split(", ")] == [
        "1200w",
        "960w",
        "640w",
        "480w",
        "320w",
    ]


# Images stored before renditions existed


@pytest.fixture
def old_image(db):
    """An image stored as uploads were before: original, display and thumbnail only."""
    with image_uploaded(process_image(io.BytesIO(make_jpeg(1600, 1200))), folder="blog") as image:
        image.save()
    extra = {rendition["name"] for rendition in image.renditions}
    Image.objects.filter(pk=image.pk).update(renditions=[])
    files_delete(extra)
    image.refresh_from_db()
    return image


def test_the_command_makes_the_missing_renditions_from_the_original(old_image):
    call_command("image_renditions", stdout=io.StringIO())

    old_image.refresh_from_db()
    assert [r["width"] for r in old_image.renditions] == [1200, 960, 640, 480, 320]
    assert {r["name"] for r in old_image.renditions} <= stored_files("blog")


def test_the_command_run_again_changes_nothing(old_image):
    call_command("image_renditions", stdout=io.StringIO())
    old_image.refresh_from_db()
    before, files = old_image.renditions, stored_files("blog")

    out = io.StringIO()
    call_command("image_renditions", stdout=out)

    old_image.refresh_from_db()
    assert (old_image.renditions, stored_files("blog")) == (before, files)
    assert "0 image(s) without renditions" in out.getvalue()


def test_the_command_dry_run_changes_nothing(old_image):
    out = io.StringIO()
    call_command("image_renditions", "--dry-run", stdout=out)

    old_image.refresh_from_db()
    assert old_image.renditions == []
    assert "1 image(s) without renditions" in out.getvalue()


def test_the_command_reports_a_missing_original_and_goes_on(old_image, stored):
    default_storage.delete(old_image.original.name)
    other = stored(make_jpeg(800, 600))
    Image.objects.filter(pk=other.pk).update(renditions=[])
    err = io.StringIO()

    call_command("image_renditions", stdout=io.StringIO(), stderr=err)

    other.refresh_from_db()
    assert old_image.original.name in err.getvalue()
    assert [r["width"] for r in other.renditions] == [800, 640, 480, 320]


def test_a_sliver_taller_than_webp_allows_keeps_only_its_jpegs():
    sliver = encoded(PILImage.new("RGB", (2, 16_384)), "PNG")

    processed = process_image(io.BytesIO(sliver))

    assert processed.variants == ()
    assert processed.display.content_type == "image/jpeg"


def test_a_transparent_picture_wider_than_the_display_shows_its_webps_only():
    processed = process_image(io.BytesIO(make_png(1600, 1200, transparent=True)))

    assert processed.display is processed.variants[0]
    assert processed.thumbnail is processed.variants[3]
    assert processed.original.content_type == "image/png"
