"""The post form as a writer meets it: actions, errors, the current picture, uploads too large."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from blog.models import Post
from cblog.images.tests.factories import ImageFactory


@pytest.fixture
def writer(client, user):
    client.force_login(user)
    return client


def buttons(page):
    return re.findall(r'<button type="submit"[^>]*name="status" value="(\w+)">([^<]+)<', page)


def test_a_new_post_offers_save_draft_first_so_that_enter_never_publishes(writer):
    page = writer.get("/post/new/").text

    assert buttons(page) == [("draft", "Save draft"), ("published", "Publish")]
    assert 'name="status"' not in page.replace('name="status" value=', "")


@pytest.mark.parametrize(
    ("button", "status"), [("draft", Post.Status.DRAFT), ("published", Post.Status.PUBLISHED)]
)
def test_each_button_saves_the_post_as_it_says(writer, button, status):
    writer.post("/post/new/", {"title": "Morning", "content": "Light", "status": button})

    assert Post.objects.get().status == status


def test_a_published_post_is_updated_first_or_taken_back_to_draft(writer, post):
    page = writer.get(f"/post/{post.slug}/edit/").text

    assert buttons(page) == [("published", "Update"), ("draft", "Unpublish to draft")]
    assert "data-autosave-url" not in page


def test_a_drafts_form_autosaves_to_that_draft(writer, draft):
    page = writer.get(f"/post/{draft.slug}/edit/").text

    assert f'data-autosave-url="/post/{draft.slug}/autosave/"' in page
    assert buttons(page)[0] == ("draft", "Save draft")


def test_the_form_loads_the_editor_from_this_site(writer):
    page = writer.get("/post/new/").text

    assert re.search(r'<script src="/static/vendor/easymde/easymde\.min\.\w+\.js" defer>', page)
    assert re.search(r'<script src="/static/js/editor\.\w+\.js" type="module">', page)
    assert 'data-preview-url="/post/new/preview/"' in page


def test_an_error_summary_at_the_top_links_to_each_field_in_error(writer):
    response = writer.post("/post/new/", {"title": "", "content": "", "status": "published"})

    assert response.status_code == 400
    summary = response.text.split('id="error-summary"')[1].split("</div>")[0]
    assert "There are 2 problems" in summary
    assert '<a class="alert-link" href="#id_title">Title: This field is required.</a>' in summary
    assert (
        '<a class="alert-link" href="#id_content">Content: This field is required.</a>' in summary
    )
    assert response.text.index("error-summary") < response.text.index("data-post-form")


def test_only_fields_in_error_are_marked(writer):
    response = writer.post("/post/new/", {"title": "", "content": "Kept", "status": "published"})

    assert 'class="form-control is-invalid"' in response.text  # the title
    assert "is-valid" not in response.text


def test_a_rejected_file_says_which_and_why_and_the_rest_is_kept(writer):
    upload = SimpleUploadedFile("notes.jpg", b"not a picture", content_type="image/jpeg")

    response = writer.post(
        "/post/new/",
        {
            "title": "Kept title",
            "content": "Kept body",
            "status": "published",
            "image": upload,
            "image_alt": "Kept alt",
        },
    )

    assert response.status_code == 400
    assert "“notes.jpg” was not saved: Upload a JPEG, PNG, WebP or GIF image" in response.text
    assert 'value="Kept title"' in response.text
    assert "Kept body</textarea>" in response.text
    assert not Post.objects.exists()


def test_the_current_picture_shows_as_a_thumbnail_to_remove_or_replace(writer, user):
    image = ImageFactory()
    post = Post.objects.create(
        author=user, title="Pictured", slug="pictured", content="x", image=image
    )

    page = writer.get(f"/post/{post.slug}/edit/").text

    # S3 signs each URL with the time, so compare the object path, not the query string.
    src = re.search(r'<img class="current-image" src="([^"]+)"', page)[1]
    assert urlsplit(unescape(src)).path == urlsplit(image.thumbnail.url).path
    assert (
        '<label for="image-clear_id" class="form-check-label">Remove this picture</label>' in page
    )
    assert image.thumbnail.name not in page.replace(src, "")
    assert 'type="file" name="image"' in page


def test_the_upload_states_its_limit_for_the_browser_to_check(writer, settings):
    settings.IMAGE_MAX_BYTES = 3 * 1024 * 1024

    assert 'data-max-bytes="3145728"' in writer.get("/post/new/").text


def oversized(client, path, settings):
    settings.MAX_REQUEST_BYTES = 1000
    return client.generic("POST", path, b"x" * 1001, content_type="multipart/form-data; boundary=x")


def test_an_oversized_upload_is_answered_on_the_form_stating_the_limit(writer, user, settings):
    settings.IMAGE_MAX_BYTES = 2 * 1024 * 1024

    response = oversized(writer, "/post/new/", settings)

    assert response.status_code == 413
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    page = response.text
    assert "pictures can be up to 2.0\xa0MB" in page
    assert '<form method="post" enctype="multipart/form-data"' in page
    assert f">{user.username}</a>" in page and "Sign in" not in page
    assert not Post.objects.exists()


def test_an_oversized_upload_to_an_edit_form_shows_that_form(writer, post, settings):
    response = oversized(writer, f"/post/{post.slug}/edit/", settings)

    assert response.status_code == 413
    assert 'value="A walk by the river"' in response.text


def test_an_oversized_request_from_a_visitor_gets_the_413_page_with_the_limit(client, settings):
    settings.IMAGE_MAX_BYTES = 2 * 1024 * 1024

    response = oversized(client, "/users/login/", settings)

    assert response.status_code == 413
    assert "File too large" in response.text
    assert "up to 2.0\xa0MB" in response.text
