import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from blog.models import Post
from cblog.images.models import Image
from cblog.images.tests.files import make_jpeg
from cblog.images.tests.storage import stored_files

LIMIT = 200_000


@pytest.fixture
def author(client, user, settings):
    settings.MAX_REQUEST_BYTES = LIMIT
    client.force_login(user)
    return client


def test_a_body_over_the_request_limit_is_refused_with_413_and_nothing_is_stored(author):
    before = stored_files()
    response = author.generic(
        "POST",
        "/post/new/",
        data=b"x" * (LIMIT + 1),
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert not Post.objects.exists() and not Image.objects.exists()
    assert stored_files() == before


def test_an_upload_under_the_request_limit_is_accepted(author):
    image = SimpleUploadedFile("photo.jpg", make_jpeg(320, 240), content_type="image/jpeg")
    response = author.post(
        "/post/new/",
        {
            "title": "Small",
            "content": "Body",
            "status": "draft",
            "image": image,
            "image_alt": "A dot",
        },
    )
    assert response.status_code == 302
    assert Post.objects.get().image is not None
