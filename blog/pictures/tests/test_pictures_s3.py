"""Pictures in the text on S3 (moto): what is stored, and a store failing half-way."""

import urllib.request

from django.test import Client
from django.test.utils import override_settings

from blog.models import Post
from blog.pictures.models import InlinePicture
from blog.pictures.tests.test_pictures import JSON, jpeg
from blog.tests.test_storage_s3 import BLOG_KEY, bucket_objects, keys_of, proxied_settings
from cblog.images.models import Image


def drop_display(method, path):
    return method == "PUT" and path.endswith("/display.jpg")


def test_an_upload_stores_its_objects_under_media_blog_uuid_with_a_stable_url(writer, s3, s3_media):
    response = writer.post(
        "/post/new/pictures/", {"inline_image": jpeg(), "inline_image_alt": "A boat"}, **JSON
    )

    image = InlinePicture.objects.get().image
    keys = set(bucket_objects(s3, s3_media))
    assert keys == keys_of(image) and all(BLOG_KEY.match(key) for key in keys)
    # Signed S3 URLs expire: the Markdown keeps the /media/ path CloudFront serves.
    assert response.json()["url"] == f"/media/{image.display.name}"


def test_the_store_failing_mid_upload_is_a_503_in_json_and_keeps_nothing(
    writer, s3, s3_media, fault_proxy
):
    fault_proxy.drop = drop_display
    with override_settings(**proxied_settings(s3_media, fault_proxy.url)):
        response = writer.post(
            "/post/new/pictures/", {"inline_image": jpeg(), "inline_image_alt": "A boat"}, **JSON
        )

    assert response.status_code == 503
    assert "could not be stored" in response.json()["error"]
    assert not InlinePicture.objects.exists() and not Image.objects.exists()
    assert bucket_objects(s3, s3_media) == {}
    assert ("DELETE", "original.jpg") in [
        (method, path.rsplit("/", 1)[-1]) for method, path, _ in fault_proxy.requests
    ]


def test_the_store_failing_while_the_form_adds_a_picture_saves_no_post_and_keeps_nothing(
    writer, s3, s3_media, fault_proxy
):
    fault_proxy.drop = drop_display
    data = {"title": "Boats", "content": "Text", "status": "draft"}
    with override_settings(**proxied_settings(s3_media, fault_proxy.url)):
        response = writer.post(
            "/post/new/", {**data, "inline_image": jpeg(), "inline_image_alt": "A boat"}
        )

    assert response.status_code == 503
    assert "could not be stored" in response.context["form"].errors["inline_image"][0]
    assert response.context["form"]["content"].value() == "Text"
    assert not Post.objects.exists() and not Image.objects.exists()
    assert bucket_objects(s3, s3_media) == {}


def test_the_store_failing_while_the_edit_form_adds_a_picture_leaves_the_post_as_it_was(
    writer, post, s3, s3_media, fault_proxy
):
    fault_proxy.drop = drop_display
    data = {"title": "Changed", "content": "Changed", "status": "published"}
    with override_settings(**proxied_settings(s3_media, fault_proxy.url)):
        response = writer.post(
            f"/post/{post.slug}/edit/",
            {**data, "inline_image": jpeg(), "inline_image_alt": "A boat"},
        )

    assert response.status_code == 503
    post.refresh_from_db()
    assert post.title == "A walk by the river" and "![" not in post.content
    assert not Image.objects.exists() and bucket_objects(s3, s3_media) == {}


def test_the_stable_url_redirects_to_a_signed_one_where_nothing_else_serves_media(
    writer, client, s3_media
):
    url = writer.post(
        "/post/new/pictures/", {"inline_image": jpeg(), "inline_image_alt": "A boat"}, **JSON
    ).json()["url"]

    response = Client().get(url)

    assert response.status_code == 302 and "X-Amz-Signature=" in response["Location"]
    assert "no-cache" in response["Cache-Control"]
    with urllib.request.urlopen(response["Location"]) as fetched:  # noqa: S310 - moto on loopback
        assert fetched.read(3) == b"\xff\xd8\xff"  # a JPEG
