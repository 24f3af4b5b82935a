"""The editor's endpoints: live preview and autosave of drafts."""

import pytest
from django.test import Client

from blog.models import Post
from blog.tests.factories import PostFactory
from cblog.markdown import render_markdown

UNSAFE_MARKDOWN = (
    "# Title\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n> quoted\n\n"
    '<script>alert(1)</script><img src="https://tracker.example/p.png" onerror="x()">'
)


@pytest.fixture
def writer(client, user):
    client.force_login(user)
    return client


# Preview


def test_preview_is_the_html_the_post_page_will_show(writer, user):
    response = writer.post("/post/new/preview/", {"content": UNSAFE_MARKDOWN})

    assert response.status_code == 200
    html = response.json()["html"]
    assert html == render_markdown(UNSAFE_MARKDOWN)
    post = PostFactory(author=user, content=UNSAFE_MARKDOWN)
    assert html == post.content_html
    assert "<script" not in html and "onerror" not in html
    assert '<img src="https://tracker.example' not in html


def test_preview_keeps_leading_spaces_that_make_a_code_block(writer):
    response = writer.post("/post/new/preview/", {"content": "    indented code"})

    assert "<pre><code>indented code" in response.json()["html"]


def test_preview_needs_a_signed_in_writer(client, db):
    response = client.post("/post/new/preview/", {"content": "x"})

    assert response.status_code == 403
    assert "Sign in" in response.json()["error"]


def test_preview_refuses_get(writer):
    assert writer.get("/post/new/preview/").status_code == 405


def test_preview_checks_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.post("/post/new/preview/", {"content": "x"}).status_code == 403


def test_preview_refuses_text_longer_than_a_post_can_be(writer):
    response = writer.post("/post/new/preview/", {"content": "x" * 50_001})

    assert response.status_code == 400
    assert "50000" in response.json()["error"].replace(",", "")


def test_preview_is_throttled_per_writer_with_a_message(writer, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "preview": {"user": "2/m"}}

    answers = [writer.post("/post/new/preview/", {"content": "x"}) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert "too often" in answers[-1].json()["error"]


# Autosave


def test_first_autosave_creates_a_draft_and_says_where_to_save_next(writer, user):
    response = writer.post(
        "/post/new/autosave/", {"title": "Half a thought", "content": "So *far*"}
    )

    assert response.status_code == 200
    post = Post.objects.get()
    assert (post.author, post.status, post.content) == (user, Post.Status.DRAFT, "So *far*")
    assert post.content_html == render_markdown("So *far*")
    answer = response.json()
    assert answer["edit_url"] == f"/post/{post.slug}/edit/"
    assert answer["autosave_url"] == f"/post/{post.slug}/autosave/"
    assert answer["saved_at"].startswith(post.updated_at.isoformat()[:16])


def test_autosave_saves_to_the_existing_draft(writer, draft):
    response = writer.post(
        f"/post/{draft.slug}/autosave/", {"title": "Finished thoughts", "content": "Done."}
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.title, draft.content, draft.slug) == (
        "Finished thoughts",
        "Done.",
        "unfinished-thoughts",
    )
    assert draft.status == Post.Status.DRAFT
    assert Post.objects.count() == 1


def test_autosave_never_publishes_even_when_asked(writer, draft):
    writer.post(
        f"/post/{draft.slug}/autosave/", {"title": "T", "content": "C", "status": "published"}
    )
    writer.post("/post/new/autosave/", {"title": "New", "content": "C", "status": "published"})

    assert not Post.objects.published().exists()


def test_autosave_leaves_a_published_post_as_readers_see_it(writer, post):
    response = writer.post(f"/post/{post.slug}/autosave/", {"title": "Typo", "content": "Half"})

    assert response.status_code == 409
    assert "Update" in response.json()["error"]
    post.refresh_from_db()
    assert post.title == "A walk by the river"


def test_autosave_without_a_title_saves_nothing_and_says_why(writer):
    response = writer.post("/post/new/autosave/", {"title": " ", "content": "Words"})

    assert response.status_code == 400
    assert response.json()["error"] == "Title: This field is required."
    assert not Post.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("anonymous", 403), ("other", 404), ("staff", 200)])
def test_autosave_of_someone_elses_draft(client, draft, other_user, staff_user, role, status):
    if role != "anonymous":
        client.force_login(other_user if role == "other" else staff_user)

    response = client.post(f"/post/{draft.slug}/autosave/", {"title": "Mine", "content": "x"})

    assert response.status_code == status
    draft.refresh_from_db()
    assert (draft.title == "Mine") is (status == 200)


def test_autosave_creating_drafts_counts_against_the_post_limit(writer, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "post": {"user": "1/h"}}

    first = writer.post("/post/new/autosave/", {"title": "One", "content": "x"})
    second = writer.post("/post/new/autosave/", {"title": "Two", "content": "x"})

    assert (first.status_code, second.status_code) == (200, 429)
    assert Post.objects.count() == 1


def test_autosave_is_throttled_per_writer(writer, draft, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "autosave": {"user": "1/m"}}
    url = f"/post/{draft.slug}/autosave/"

    statuses = [writer.post(url, {"title": "T", "content": str(n)}).status_code for n in range(2)]

    assert statuses == [200, 429]
    draft.refresh_from_db()
    assert draft.content == "0"
