"""The pictures' admin: a read-only list with filters and search, and each picture's file info."""

import re

import pytest
from django.utils import timezone

from blog.pictures.models import InlinePicture
from blog.tests.factories import PostFactory
from cblog.images.tests.factories import ImageFactory

LIST = "/admin/pictures/inlinepicture/"
WEBP = [{"name": "blog/x/w640.webp", "type": "image/webp", "width": 640, "height": 480}]


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def pictures(user, post):
    """One in a post, one waiting for a post's first save, one its post let go."""
    return {
        "in_post": InlinePicture.objects.create(
            post=post, uploader=user, alt="Boats at dawn", image=ImageFactory(renditions=WEBP)
        ),
        "waiting": InlinePicture.objects.create(uploader=user, alt="Gulls", image=ImageFactory()),
        "let_go": InlinePicture.objects.create(
            uploader=user, alt="Nets", image=ImageFactory(), detached_at=timezone.now()
        ),
    }


def listed(response):
    return {picture.alt for picture in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("state", "expected"),
    [("in_post", {"Boats at dawn"}), ("waiting", {"Gulls"}), ("let_go", {"Nets"})],
)
def test_the_list_filters_pictures_by_where_they_stand(admin_client, pictures, state, expected):
    assert listed(admin_client.get(LIST, {"state": state})) == expected


def test_the_list_searches_alt_text_post_title_uploader_and_file_name(admin_client, pictures, post):
    file_name = pictures["waiting"].image.display.name

    assert listed(admin_client.get(LIST, {"q": "gulls"})) == {"Gulls"}
    assert listed(admin_client.get(LIST, {"q": post.title})) == {"Boats at dawn"}
    assert listed(admin_client.get(LIST, {"q": file_name})) == {"Gulls"}
    assert len(listed(admin_client.get(LIST, {"q": "alice"}))) == 3


def test_the_list_shows_thumbnails_with_their_alt_text(admin_client, pictures):
    page = admin_client.get(LIST).text

    name = re.escape(pictures["in_post"].image.thumbnail.name)
    # Any storage's URL: a signed one on S3 carries a query string.
    assert re.search(
        rf'<img src="[^"]*{name}[^"]*" width="400" height="300" alt="Boats at dawn"', page
    )


def test_the_list_runs_a_constant_number_of_queries(
    admin_client, user, django_assert_max_num_queries
):
    for post in PostFactory.create_batch(12, author=user):
        InlinePicture.objects.create(post=post, uploader=user, alt="A", image=ImageFactory())

    with django_assert_max_num_queries(12):
        response = admin_client.get(LIST)

    assert len(response.context["cl"].result_list) == 12


def test_a_picture_page_shows_its_file_info_read_only(admin_client, pictures):
    picture = pictures["in_post"]

    response = admin_client.get(f"{LIST}{picture.pk}/change/")

    assert response.status_code == 200
    page = response.text
    assert picture.image.display.name in page
    assert "1600 × 1200 px" in page and "640 px" in page
    assert 'name="alt"' not in page  # shown, not editable
    assert admin_client.post(f"{LIST}{picture.pk}/change/", {"alt": "Changed"}).status_code == 403
    picture.refresh_from_db()
    assert picture.alt == "Boats at dawn"


def test_pictures_are_never_added_in_the_admin(admin_client, db):
    assert admin_client.get(f"{LIST}add/").status_code == 403


def test_deleting_a_picture_in_the_admin_deletes_its_image(admin_client, pictures):
    picture = pictures["let_go"]

    response = admin_client.post(f"{LIST}{picture.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not InlinePicture.objects.filter(pk=picture.pk).exists()
    assert not type(picture.image).objects.filter(pk=picture.image_id).exists()


def test_the_list_is_for_staff_only(client, user, pictures):
    client.force_login(user)
    assert client.get(LIST).status_code == 302
