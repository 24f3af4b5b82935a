"""A new blogger's first post, start to finish, through the balancer; then what was stored."""

import re

import pytest
from playwright.sync_api import expect

from cblog.images.tests.files import make_jpeg
from tests.helpers import bucket_keys, eventually, image_keys, indexed_as

pytestmark = pytest.mark.browser


def post_row(stack, title):
    rows = stack.sql(
        "SELECT p.id, p.status, p.image_id,"
        " (SELECT COUNT(*) FROM blog_like l WHERE l.post_id = p.id),"
        " (SELECT COUNT(*) FROM blog_comment c WHERE c.post_id = p.id)"
        " FROM blog_post p WHERE p.title = %s",
        [title],
    )
    return rows[0] if rows else None


def test_a_new_blogger_posts_a_photo_likes_comments_edits_and_deletes(stack, visitor):
    alice = visitor("blogger")
    alice.register("alice")
    alice.sign_out()
    alice.sign_in("alice")

    path = alice.write_post("Sunrise over the bay", image=make_jpeg(1600, 1200))
    assert "/media/blog/" in alice.image_loaded("img.post-hero")
    alice.goto("/")
    assert "/media/blog/" in alice.image_loaded("img.post-thumb")
    alice.goto(path)

    alice.page.get_by_role("button", name=re.compile("^Like 0")).click()  # in place
    expect(alice.page.get_by_role("button", name=re.compile("^Unlike 1"))).to_be_visible()
    alice.page.fill("[name=content]", "First light, first comment.")
    alice.submit("Add comment")
    assert alice.page.get_by_text("First light, first comment.").is_visible()

    post_id, status, image_id, likes, comments = post_row(stack, "Sunrise over the bay")
    assert (status, likes, comments) == ("published", 1, 1)
    first_keys = image_keys(stack, image_id)
    assert first_keys <= bucket_keys(stack)
    indexed_as(stack, first_keys, "ObjectCreated")

    alice.follow("Edit")
    alice.page.fill("[name=title]", "Sunrise over the harbour")
    alice.page.set_input_files(
        "[name=image]",
        {"name": "other.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg(800, 600)},
    )
    alice.submit("Update")
    assert alice.page.locator("h1").inner_text() == "Sunrise over the harbour"
    alice.image_loaded("img.post-hero")

    assert post_row(stack, "Sunrise over the bay") is None
    _, _, new_image_id, _, _ = post_row(stack, "Sunrise over the harbour")
    second_keys = image_keys(stack, new_image_id)
    eventually(lambda: not first_keys & bucket_keys(stack), "the replaced image's objects deleted")
    assert second_keys <= bucket_keys(stack)
    indexed_as(stack, first_keys, "ObjectRemoved")
    indexed_as(stack, second_keys, "ObjectCreated")

    alice.follow("Delete")
    alice.submit("Yes, delete it")
    assert alice.page.get_by_text("“Sunrise over the harbour” was deleted.").is_visible()

    assert stack.sql("SELECT COUNT(*) FROM blog_post WHERE id = %s", [post_id]) == ((0,),)
    assert stack.sql("SELECT COUNT(*) FROM blog_image WHERE id = %s", [new_image_id]) == ((0,),)
    eventually(lambda: not second_keys & bucket_keys(stack), "the deleted post's objects gone")
    indexed_as(stack, second_keys, "ObjectRemoved")
