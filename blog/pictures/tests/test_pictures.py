"""Pictures in a post's text: the editor's upload, the form without script, ownership, cleanup."""

import io
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PILImage

from blog import services
from blog.models import Post
from blog.pictures.models import InlinePicture
from blog.pictures.services import picture_markdown
from blog.revisions.models import Revision
from blog.revisions.services import AUTOSAVES_KEPT
from blog.tests.factories import PostFactory
from cblog.images.models import Image
from cblog.images.tests.files import make_jpeg
from cblog.images.tests.storage import stored_files

JSON = {"HTTP_ACCEPT": "application/json"}


def jpeg(name="harbour.jpg", **kwargs):
    return SimpleUploadedFile(name, make_jpeg(**kwargs), content_type="image/jpeg")


def upload(client, url="/post/new/pictures/", alt="Boats at dawn", **files):
    data = {"inline_image": files.get("image", jpeg()), "inline_image_alt": alt}
    return client.post(url, data, **JSON)


# The editor's upload


def test_an_upload_answers_markdown_with_the_alt_text_and_a_stable_media_url(writer, user):
    response = upload(writer)

    assert response.status_code == 201
    picture = InlinePicture.objects.get()
    answer = response.json()
    assert answer["markdown"] == f"![Boats at dawn]({picture.url})"
    assert answer["url"].startswith("/media/blog/") and "?" not in answer["url"]
    assert answer["url"].endswith(picture.image.display.name)
    assert (picture.uploader, picture.post, picture.alt) == (user, None, "Boats at dawn")


def test_an_uploaded_picture_is_stored_without_its_exif(writer):
    upload(writer, image=jpeg(width=800, height=600, gps=True))

    image = InlinePicture.objects.get().image
    with default_storage.open(image.display.name) as stored:
        opened = PILImage.open(io.BytesIO(stored.read()))
    assert not opened.getexif() and opened.width == 800
    assert len(image.renditions) > 0


def test_two_uploads_of_one_file_get_their_own_keys(writer):
    upload(writer), upload(writer)

    first, second = InlinePicture.objects.all()
    assert not set(first.image.file_names) & set(second.image.file_names)


def test_an_upload_to_a_post_belongs_to_that_post(writer, post):
    assert upload(writer, f"/post/{post.slug}/pictures/").status_code == 201
    assert InlinePicture.objects.get().post == post


def test_staff_may_add_a_picture_to_another_authors_post(client, staff_user, post):
    client.force_login(staff_user)
    assert upload(client, f"/post/{post.slug}/pictures/").status_code == 201


def test_an_upload_to_someone_elses_post_is_a_404_and_stores_nothing(client, other_user, post):
    client.force_login(other_user)

    assert upload(client, f"/post/{post.slug}/pictures/").status_code == 404
    assert not Image.objects.exists() and stored_files("blog") == set()


def test_an_upload_needs_a_signed_in_writer(client, db):
    response = upload(client)
    assert response.status_code == 403 and "Sign in" in response.json()["error"]


def test_an_upload_refuses_get(writer):
    assert writer.get("/post/new/pictures/").status_code == 405


def test_an_upload_without_alt_text_is_a_400_that_asks_for_it(writer):
    response = upload(writer, alt="  ")

    assert response.status_code == 400
    assert "alt text is required" in response.json()["error"]
    assert not Image.objects.exists() and stored_files("blog") == set()


def test_an_upload_without_a_file_is_a_400(writer):
    response = writer.post("/post/new/pictures/", {"inline_image_alt": "x"}, **JSON)
    assert response.status_code == 400 and "required" in response.json()["error"]


def test_a_file_that_is_no_picture_is_a_400_that_says_why(writer):
    response = upload(writer, image=SimpleUploadedFile("notes.jpg", b"%PDF-1.4 text\n" * 20))

    assert response.status_code == 400
    assert "“notes.jpg” was not saved" in response.json()["error"]
    assert not InlinePicture.objects.exists() and stored_files("blog") == set()


def test_a_file_over_the_byte_limit_is_a_400_stating_the_limit(writer, settings):
    settings.IMAGE_MAX_BYTES = 1000
    response = upload(writer)
    assert response.status_code == 400 and "at most 0.0 MB" in response.json()["error"]


def test_a_request_over_the_size_limit_is_a_413_with_a_json_message(writer, settings):
    settings.MAX_REQUEST_BYTES = 1000

    response = upload(writer)

    assert response.status_code == 413
    assert "pictures can be up to 10.0\xa0MB." in response.json()["error"]
    assert not InlinePicture.objects.exists()


def test_a_post_full_of_pictures_refuses_another_with_a_400(writer, post, settings):
    settings.POST_PICTURES_MAX = 1
    url = f"/post/{post.slug}/pictures/"
    assert upload(writer, url).status_code == 201

    response = upload(writer, url)

    assert response.status_code == 400
    assert "up to 1 pictures" in response.json()["error"]
    assert InlinePicture.objects.count() == 1


def test_pictures_waiting_for_a_new_post_count_against_its_limit(writer, settings):
    settings.POST_PICTURES_MAX = 1
    upload(writer)
    assert upload(writer).status_code == 400


def test_uploads_are_throttled_with_a_429(writer, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "upload": {"user": "1/h"}}
    assert upload(writer).status_code == 201

    response = upload(writer)

    assert response.status_code == 429 and "too often" in response.json()["error"]
    assert InlinePicture.objects.count() == 1


# The rendered post


def test_the_post_page_shows_an_inserted_picture_with_its_alt_text(writer, user):
    markdown = upload(writer, alt='A "red" boat [1]').json()["markdown"]
    post = services.post_create(
        author=user,
        data={"title": "Boats", "content": f"Look:\n\n{markdown}", "status": "published"},
    )

    html = writer.get(post.get_absolute_url()).content.decode()
    url = InlinePicture.objects.get().url
    assert f'<img src="{url}" alt="A &quot;red&quot; boat [1]">' in html


def test_alt_text_cannot_break_out_of_the_markdown():
    markdown = picture_markdown(url="/media/x.jpg", alt="a](https://evil.example) ![b\nc")
    assert markdown == r"![a\](https://evil.example) !\[b c](/media/x.jpg)"


# Ownership


def test_a_new_post_takes_the_pictures_its_text_shows(writer, user):
    shown = upload(writer, alt="shown").json()["markdown"]
    upload(writer, alt="not shown")

    post = services.post_create(
        author=user, data={"title": "Boats", "content": shown, "status": "draft"}
    )

    assert InlinePicture.objects.get(alt="shown").post == post
    assert InlinePicture.objects.get(alt="not shown").post is None


def test_an_autosave_that_creates_the_draft_takes_its_pictures(writer):
    markdown = upload(writer).json()["markdown"]

    response = writer.post("/post/new/autosave/", {"title": "Boats", "content": markdown})

    assert response.json()["pictures_url"] == "/post/boats/pictures/"
    assert InlinePicture.objects.get().post == Post.objects.get()


def test_a_post_never_takes_another_users_waiting_picture(writer, other_user):
    markdown = upload(writer).json()["markdown"]

    services.post_create(author=other_user, data={"title": "Mine", "content": markdown})

    assert InlinePicture.objects.get().post is None


# Leaving the text


def autosave(post, content):
    return services.post_update(post=post, data={"content": content}, kind="autosave")


def draft_with_a_picture(writer, user):
    """A draft whose one autosave showed the picture, then AUTOSAVES_KEPT without it: the last
    revision showing it is pruned."""
    markdown = upload(writer).json()["markdown"]
    post = services.post_create(
        author=user, data={"title": "Boats", "content": markdown}, kind="autosave"
    )
    for number in range(AUTOSAVES_KEPT):
        autosave(post, f"Draft {number}")
    return post


def test_a_picture_that_neither_the_text_nor_a_kept_revision_shows_leaves_its_post(writer, user):
    post = draft_with_a_picture(writer, user)

    picture = InlinePicture.objects.get()
    assert picture.post is None and picture.detached_at is not None
    assert not post.revisions.filter(content__contains=picture.image.display.name).exists()


def test_a_picture_an_autosave_still_kept_shows_stays_with_its_post(writer, user):
    markdown = upload(writer).json()["markdown"]
    post = services.post_create(
        author=user, data={"title": "Boats", "content": markdown}, kind="autosave"
    )

    autosave(post, "Without it")

    assert InlinePicture.objects.get().post == post


def test_a_picture_a_saved_revision_shows_stays_with_its_post_for_a_restore(writer, user):
    markdown = upload(writer).json()["markdown"]
    post = services.post_create(author=user, data={"title": "Boats", "content": markdown})
    for number in range(AUTOSAVES_KEPT + 1):
        autosave(post, f"Draft {number}")

    assert InlinePicture.objects.get().post == post
    services.post_restore(revision=post.revisions.order_by("pk").first(), editor=user)
    assert InlinePicture.objects.get().post == post


def test_a_picture_let_go_is_taken_back_when_the_text_shows_it_again(writer, user):
    post = draft_with_a_picture(writer, user)
    picture = InlinePicture.objects.get()

    autosave(post, picture_markdown(url=picture.url, alt="Back"))

    picture.refresh_from_db()
    assert (picture.post, picture.detached_at) == (post, None)


def test_pictures_a_post_let_go_leave_room_for_a_new_post(writer, user, settings):
    draft_with_a_picture(writer, user)
    settings.POST_PICTURES_MAX = 1

    assert upload(writer).status_code == 201


# The form without script


def form_data(**overrides):
    return {"title": "Morning light", "content": "Hello", "status": "draft", **overrides}


def test_the_form_adds_a_picture_at_the_end_of_the_text(writer, user):
    response = writer.post(
        "/post/new/", form_data(inline_image=jpeg(), inline_image_alt="Boats at dawn")
    )

    assert response.status_code == 302
    post, picture = Post.objects.get(), InlinePicture.objects.get()
    assert post.content == f"Hello\n\n![Boats at dawn]({picture.url})\n"
    assert picture.post == post and picture.uploader == user
    assert f'<img src="{picture.url}" alt="Boats at dawn">' in post.content_html


def test_the_edit_form_adds_a_picture_to_the_post(writer, post):
    response = writer.post(
        f"/post/{post.slug}/edit/",
        form_data(content="Text", inline_image=jpeg(), inline_image_alt="A boat"),
    )

    assert response.status_code == 302
    assert InlinePicture.objects.get().post == post


def test_the_form_refuses_a_picture_without_alt_text_and_keeps_the_rest(writer):
    response = writer.post("/post/new/", form_data(content="Kept text", inline_image=jpeg()))

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["inline_image_alt"] == ["Describe the picture: its alt text is required."]
    assert form["content"].value() == "Kept text"
    assert not Post.objects.exists() and not Image.objects.exists()
    assert stored_files("blog") == set()


def test_the_edit_form_refuses_a_picture_over_the_posts_limit(writer, post, settings):
    settings.POST_PICTURES_MAX = 0
    response = writer.post(
        f"/post/{post.slug}/edit/", form_data(inline_image=jpeg(), inline_image_alt="A boat")
    )
    assert response.status_code == 400
    assert "up to 0 pictures" in response.context["form"].errors["inline_image"][0]


# Deleting


def test_deleting_a_post_deletes_its_pictures_and_their_objects_after_the_commit(
    writer, post, django_capture_on_commit_callbacks
):
    upload(writer, f"/post/{post.slug}/pictures/")
    other = PostFactory(author=post.author)
    upload(writer, f"/post/{other.slug}/pictures/")
    kept = set(InlinePicture.objects.get(post=other).image.file_names)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        writer.post(f"/post/{post.slug}/delete/")
        assert stored_files("blog") >= kept and len(stored_files("blog")) > len(kept)
    for callback in callbacks:
        callback()

    assert InlinePicture.objects.get().post == other and Image.objects.count() == 1
    assert stored_files("blog") == kept


# Unused uploads


def age(picture_id, hours):
    InlinePicture.objects.filter(pk=picture_id).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def orphans(*args):
    out = io.StringIO()
    call_command("media_orphans", *args, stdout=out)
    return out.getvalue()


def test_media_orphans_lists_pictures_no_post_took(writer, post):
    upload(writer)
    upload(writer, f"/post/{post.slug}/pictures/")
    waiting = InlinePicture.objects.get(post=None)

    output = orphans()

    assert f"pictures.InlinePicture {waiting.pk} (image {waiting.image_id})" in output
    assert output.splitlines()[-1].endswith("0 orphan objects, 0 missing objects, 1 unused uploads")


def test_media_orphans_deletes_unused_pictures_older_than_a_day_with_their_objects(
    writer, post, django_capture_on_commit_callbacks
):
    old, recent = (upload(writer) and InlinePicture.objects.latest("pk") for _ in range(2))
    upload(writer, f"/post/{post.slug}/pictures/")
    age(old.pk, 25)
    age(post.pictures.get().pk, 25)
    keep = stored_files("blog") - set(old.image.file_names)

    with django_capture_on_commit_callbacks(execute=True):
        output = orphans("--delete")

    assert "; deleted 1 unused uploads, kept 1 younger than 24 h" in output
    assert set(InlinePicture.objects.values_list("pk", flat=True)) == {
        recent.pk,
        post.pictures.get().pk,
    }
    assert not Image.objects.filter(pk=old.image_id).exists()
    assert stored_files("blog") == keep


def detached(picture_id, hours):
    InlinePicture.objects.filter(pk=picture_id).update(
        detached_at=timezone.now() - timedelta(hours=hours)
    )


def test_media_orphans_counts_a_let_go_pictures_grace_from_when_its_post_let_go(
    writer, user, django_capture_on_commit_callbacks
):
    draft_with_a_picture(writer, user)
    picture = InlinePicture.objects.get()
    age(picture.pk, 25)

    assert "kept 1 younger than 24 h" in orphans("--delete")
    detached(picture.pk, 25)
    with django_capture_on_commit_callbacks(execute=True):
        output = orphans("--delete")

    assert "; deleted 1 unused uploads, kept 0" in output
    assert not InlinePicture.objects.exists() and stored_files("blog") == set()


def test_media_orphans_keeps_a_let_go_picture_that_its_uploaders_posts_or_revisions_show(
    writer, user
):
    draft_with_a_picture(writer, user)
    picture = InlinePicture.objects.get()
    detached(picture.pk, 25)
    quoted = picture_markdown(url=picture.url, alt="Quoted")
    copy = PostFactory(author=user, content=quoted)  # made without the services: took nothing

    assert "0 unused uploads" in orphans("--delete")
    Revision.objects.create(post=copy, kind="save", title=copy.title, content=quoted)
    Post.objects.filter(pk=copy.pk).update(content="Gone from here")
    assert "0 unused uploads" in orphans("--delete")  # a revision still shows it
    Revision.objects.filter(post=copy).delete()
    assert "deleted 1 unused uploads" in orphans("--delete")


def test_media_urls_are_not_served_by_the_app_with_local_files(client, db, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    assert client.get("/media/blog/0123/display.jpg").status_code == 404
