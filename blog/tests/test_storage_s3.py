"""Post images and avatars on S3 (moto), checked through boto3 against what is really stored."""

import io
import re
import threading
import urllib.request
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.config import Config
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import override_settings
from PIL import ExifTags
from PIL import Image as PILImage

from blog import services
from blog.models import Post
from cblog.images.models import Image
from cblog.images.processing import process_image
from cblog.images.tests.files import make_jpeg, make_png
from conftest import s3_settings

BLOG_KEY = re.compile(
    r"^media/blog/([0-9a-f]{32})/((original|display|thumbnail)\.(jpg|png)|w[0-9]+\.webp)$"
)
# The original, display and thumbnail, and WebP at 1200, 960, 640, 480 and 320 px.
BLOG_OBJECTS = 8
USERS_KEY = re.compile(r"^media/users/([0-9a-f]{32})/(original|display|thumbnail)\.jpg$")


@pytest.fixture
def s3(aws_client):
    return aws_client("s3")


@pytest.fixture
def author(client, user):
    client.force_login(user)
    return client


def bucket_objects(s3, bucket):
    """Every key in the bucket with its ETag, so that a rewritten object shows as changed."""
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"]: item["ETag"] for page in pages for item in page.get("Contents", ())}


def stored_image(s3, bucket, key):
    image = PILImage.open(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
    image.load()
    return image


def jpeg_upload(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, make_jpeg(**kwargs), content_type="image/jpeg")


def post_form(**overrides):
    return {
        "title": "Morning light",
        "content": "Hello *world*",
        "status": "published",
        "image_alt": "Light on the water",
        **overrides,
    }


def create_through_view(client, **kwargs):
    response = client.post("/post/new/", post_form(image=jpeg_upload(**kwargs)))
    assert response.status_code == 302, response.content[:500]
    return Post.objects.select_related("image").latest("pk")


def keys_of(image):
    return {f"media/{name}" for name in image.file_names}


def proxied_settings(bucket, endpoint_url):
    """S3 settings through another endpoint, without retries so that a fault fails fast."""
    overrides = s3_settings(bucket, endpoint_url)
    options = overrides["STORAGES"]["default"]["OPTIONS"]
    # A client_config replaces addressing_style and signature_version, so they are repeated.
    options["client_config"] = Config(
        s3={"addressing_style": options["addressing_style"]},
        signature_version=options["signature_version"],
        retries={"max_attempts": 1, "mode": "standard"},
    )
    return overrides


# What is stored


def test_a_post_created_through_the_view_stores_its_objects_under_one_media_blog_uuid(
    author, s3, s3_media
):
    post = create_through_view(author, width=1600, height=1200)
    keys = set(bucket_objects(s3, s3_media))
    matches = [BLOG_KEY.match(key) for key in keys]
    assert len(keys) == BLOG_OBJECTS and all(matches)
    assert len({match[1] for match in matches}) == 1
    assert keys == keys_of(post.image)


@pytest.mark.parametrize(
    ("upload", "content_type"),
    [
        (SimpleUploadedFile("photo.jpg", make_jpeg(), "image/jpeg"), "image/jpeg"),
        (SimpleUploadedFile("logo.png", make_png(transparent=True), "image/png"), "image/png"),
    ],
    ids=["jpeg", "transparent-png"],
)
def test_stored_objects_carry_the_content_type_of_their_format(
    author, s3, s3_media, upload, content_type
):
    author.post("/post/new/", post_form(image=upload))
    keys = bucket_objects(s3, s3_media)
    types = {
        key.rsplit(".", 1)[1]: s3.head_object(Bucket=s3_media, Key=key)["ContentType"]
        for key in keys
    }
    extension = {"image/jpeg": "jpg", "image/png": "png"}[content_type]
    assert types == {extension: content_type, "webp": "image/webp"}


def test_stored_jpegs_carry_no_exif_and_no_gps(author, s3, s3_media):
    create_through_view(author, gps=True)
    for key in bucket_objects(s3, s3_media):
        exif = stored_image(s3, s3_media, key).getexif()
        assert dict(exif) == {}
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)


def test_renditions_fit_their_widths_and_the_database_has_the_stored_dimensions(
    author, s3, s3_media
):
    image = create_through_view(author, width=2400, height=1800).image
    stored = {
        field: stored_image(s3, s3_media, f"media/{getattr(image, field).name}").size
        for field in Image.FILE_FIELDS
    }
    assert stored["original"] == (image.width, image.height)
    assert stored["display"] == (image.display_width, image.display_height)
    assert stored["thumbnail"] == (image.thumbnail_width, image.thumbnail_height)
    assert image.display_width <= 1200 and image.thumbnail_width <= 480
    for rendition in image.renditions:
        size = stored_image(s3, s3_media, f"media/{rendition['name']}").size
        assert size == (rendition["width"], rendition["height"])
    assert [rendition["width"] for rendition in image.renditions] == [1200, 960, 640, 480, 320]


def test_stored_objects_grant_nothing_beyond_the_bucket_owner(author, s3, s3_media):
    create_through_view(author)
    for key in bucket_objects(s3, s3_media):
        acl = s3.get_object_acl(Bucket=s3_media, Key=key)
        grantees = {
            (grant["Grantee"]["Type"], grant["Grantee"].get("ID")) for grant in acl["Grants"]
        }
        assert grantees == {("CanonicalUser", acl["Owner"]["ID"])}


def test_uploads_send_no_acl_header(author, s3_media, fault_proxy):
    with override_settings(**proxied_settings(s3_media, fault_proxy.url)):
        post = create_through_view(author)
    puts = [headers for method, _, headers in fault_proxy.requests if method == "PUT"]
    assert len(puts) == len(post.image.file_names)
    assert not any(name.lower() == "x-amz-acl" for headers in puts for name in headers)


# URLs


def test_image_urls_are_signed_and_fetch_the_object_without_a_custom_domain(author, s3, s3_media):
    image = create_through_view(author).image
    url = image.display.url
    assert "X-Amz-Signature" in parse_qs(urlsplit(url).query)
    with urllib.request.urlopen(url) as response:  # noqa: S310 (moto on loopback)
        fetched = response.read()
    key = f"media/{image.display.name}"
    assert fetched == s3.get_object(Bucket=s3_media, Key=key)["Body"].read()


def test_image_urls_are_plain_custom_domain_urls_when_a_custom_domain_is_set(
    author, s3_media, moto_server, monkeypatch
):
    image = create_through_view(author).image
    monkeypatch.setenv("AWS_S3_CUSTOM_DOMAIN", "media.example.com")
    with override_settings(**s3_settings(s3_media, moto_server)):
        image = Image.objects.get(pk=image.pk)
        assert image.display.url == f"https://media.example.com/media/{image.display.name}"


# Bad uploads


def truncated_jpeg():
    data = make_jpeg(1200, 900)
    return data[: len(data) // 2]


BAD_FILES = {
    "not-an-image": ("notes.jpg", b"%PDF-1.4 just some text\n" * 20, {}),
    "svg": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>",
        {},
    ),
    "html": ("photo.jpg", b"<!doctype html><html><body>not a picture</body></html>", {}),
    "zero-bytes": ("photo.jpg", b"", {}),
    "truncated-jpeg": ("photo.jpg", truncated_jpeg(), {}),
    "too-many-bytes": ("photo.jpg", make_jpeg(), {"IMAGE_MAX_BYTES": 1000}),
    "too-many-pixels": ("photo.jpg", make_jpeg(640, 480), {"IMAGE_MAX_PIXELS": 100_000}),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_a_400_with_an_image_error_and_leaves_the_bucket_unchanged(
    author, s3, s3_media, case
):
    name, content, limits = case
    create_through_view(author)
    before = bucket_objects(s3, s3_media)
    with override_settings(**limits):
        response = author.post("/post/new/", post_form(image=SimpleUploadedFile(name, content)))
    assert response.status_code == 400
    assert "image" in response.context["form"].errors
    assert Post.objects.count() == 1
    assert bucket_objects(s3, s3_media) == before


# Deleting and replacing


def test_deleting_a_post_through_the_view_leaves_the_bucket_as_it_was_before_the_post(
    author, s3, s3_media, django_capture_on_commit_callbacks
):
    create_through_view(author, width=800, height=600)
    before = bucket_objects(s3, s3_media)
    post = create_through_view(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = author.post(f"/post/{post.slug}/delete/")
    assert response.status_code == 302
    assert bucket_objects(s3, s3_media) == before


def test_replacing_the_image_through_the_edit_view_keeps_only_the_new_objects(
    author, s3, s3_media, django_capture_on_commit_callbacks
):
    post = create_through_view(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = author.post(
            f"/post/{post.slug}/edit/", post_form(image=jpeg_upload(width=900, height=600))
        )
    assert response.status_code == 302
    post.refresh_from_db()
    assert set(bucket_objects(s3, s3_media)) == keys_of(post.image)
    assert post.image.width == 900


# Failures


def test_s3_failing_mid_upload_is_a_503_with_an_image_error_and_keeps_nothing(
    author, s3, s3_media, fault_proxy
):
    fault_proxy.drop = lambda method, path: method == "PUT" and path.endswith("/display.jpg")
    with override_settings(**proxied_settings(s3_media, fault_proxy.url)):
        response = author.post("/post/new/", post_form(image=jpeg_upload(width=1600, height=1200)))
    assert response.status_code == 503
    assert "image" in response.context["form"].errors
    assert not Post.objects.exists() and not Image.objects.exists()
    assert bucket_objects(s3, s3_media) == {}
    # The original reached the bucket before the fault, so it was deleted again.
    calls = [(method, path.rsplit("/", 1)[-1]) for method, path, _ in fault_proxy.requests]
    assert ("PUT", "original.jpg") in calls and ("DELETE", "original.jpg") in calls


@pytest.fixture
def one_writer_at_a_time_on_sqlite(monkeypatch):
    """SQLite's shared in-memory test database fails concurrent writers instead of queueing them.

    post_create touches the database only inside transaction.atomic, after the uploads, so
    holding a lock there still lets the uploads run concurrently.
    """
    if connection.vendor != "sqlite":
        return
    lock = threading.RLock()
    real_atomic = transaction.atomic

    @contextmanager
    def atomic(*args, **kwargs):
        with lock, real_atomic(*args, **kwargs):
            yield

    monkeypatch.setattr(transaction, "atomic", atomic)


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_of_files_with_the_same_name_never_overwrite_each_other(
    user, s3, s3_media, one_writer_at_a_time_on_sqlite
):
    sizes = [(600, 400), (700, 500), (800, 600), (900, 700)]
    barrier = threading.Barrier(len(sizes))
    errors = []

    def create(width, height):
        try:
            upload = SimpleUploadedFile("photo.jpg", make_jpeg(width, height))
            processed = process_image(upload)
            barrier.wait(timeout=10)
            data = {"title": "Same", "content": "Body", "category": None, "status": "published"}
            services.post_create(author=user, data=data, image=processed)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=size) for size in sizes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    images = list(Image.objects.all())
    # Three JPEGs each; WebP at its own width, 480 and 320 px, and 640 px for those wider.
    assert len(bucket_objects(s3, s3_media)) == 4 * 3 + 4 * 3 + 3
    assert set(bucket_objects(s3, s3_media)) == set().union(*(keys_of(image) for image in images))
    for image in images:
        original = stored_image(s3, s3_media, f"media/{image.original.name}")
        assert original.size == (image.width, image.height)
    assert sorted((image.width, image.height) for image in images) == sizes


# Avatars


def test_an_avatar_is_stored_under_media_users_uuid_with_square_renditions(
    author, user, s3, s3_media
):
    avatar = jpeg_upload("me.jpg", width=900, height=600)
    response = author.post("/users/profile/", {"email": user.email, "bio": "Hi", "avatar": avatar})
    assert response.status_code == 302
    keys = bucket_objects(s3, s3_media)
    matches = [USERS_KEY.match(key) for key in keys]
    assert len(keys) == 3 and all(matches) and len({match[1] for match in matches}) == 1
    # The original keeps the uploaded framing; what pages show is cropped square.
    image = Image.objects.get(profile__user=user)
    for field in ("display", "thumbnail"):
        stored = stored_image(s3, s3_media, f"media/{getattr(image, field).name}")
        assert stored.width == stored.height == getattr(image, f"{field}_width")
