"""HTTP caching headers on every page, and anonymous pages kept whole until the next write."""

import pytest
from django.test import Client

from blog import services
from blog.comments import services as comment_services
from blog.models import Comment, Post
from blog.tests.factories import CategoryFactory, CommentFactory, PostFactory
from cblog.page_cache import is_cache_shared
from users.models import Profile
from users.services import profile_update

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300  # in one process local memory is as shared as Redis


@pytest.fixture
def post(user):
    return PostFactory(author=user, title="A walk by the river", slug="a-walk-by-the-river")


def test_anonymous_pages_are_public_for_a_short_time_with_an_etag(client, post):
    response = client.get("/")

    assert response["Cache-Control"] == "public, max-age=30, stale-while-revalidate=30"
    assert response["ETag"]
    assert "Cookie" in response["Vary"]


def test_a_conditional_get_with_the_current_etag_gets_a_304(client, post):
    etag = client.get("/")["ETag"]

    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304


def test_signed_in_pages_are_private(client, user, post):
    client.force_login(user)

    response = client.get("/")

    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_page_that_sets_a_cookie_is_not_public(client, db):
    response = client.get("/users/login/")  # its form sets the CSRF cookie

    assert "public" not in response.get("Cache-Control", "")


def test_a_draft_page_is_never_public(client, user):
    draft = PostFactory(author=user, draft=True)
    client.force_login(user)

    response = client.get(draft.get_absolute_url())

    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_second_anonymous_read_runs_no_query_but_the_version_check_without_redis(
    client, post, page_cache, django_assert_num_queries
):
    client.get("/")
    with django_assert_num_queries(0 if is_cache_shared() else 1) as queries:
        assert client.get("/").status_code == 200
    assert all("cblog_contentversion" in query["sql"] for query in queries.captured_queries)


def test_without_a_shared_cache_every_read_renders(client, post, django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(5) as queries:
        client.get("/")
    assert len(queries) > 0


def test_pages_for_different_addresses_are_kept_apart(client, post, page_cache):
    assert "A walk by the river" in client.get("/?from=home").text
    assert "A walk by the river" not in client.get("/search/?from=home&q=mountain").text


def test_a_reader_served_from_the_cache_is_counted(post, page_cache):
    Client(headers={"User-Agent": BROWSER + " one"}).get(post.get_absolute_url())
    Client(headers={"User-Agent": BROWSER + " two"}).get(post.get_absolute_url())

    post.refresh_from_db()
    assert post.view_count == 2


def write_post_create(post, other_user):
    services.post_create(
        author=post.author, data={"title": "Brand new", "content": "x", "status": "published"}
    )
    return "/", "Brand new"


def write_post_update(post, other_user):
    services.post_update(post=post, data={"title": "Renamed walk"})
    return "/", "Renamed walk"


def write_post_delete(post, other_user):
    PostFactory(author=post.author, title="Still here")
    services.post_delete(post=post)
    return "/", "!A walk by the river"


def write_comment(post, other_user):
    comment_services.comment_create(post=post, author=post.author, content="Lovely.")
    return "/", "1 comment"


def write_like(post, other_user):
    services.like_toggle(post=post, user=other_user)
    return "/", "1 like"


def write_profile(post, other_user):
    profile = Profile.objects.get(user=post.author)
    profile_update(profile=profile, account={}, bio="Walks by rivers.", avatar=None)
    return f"/author/{post.author.username}/", "Walks by rivers."


def write_category(post, other_user):
    post.category.name = "Wandering"
    post.category.save()
    return "/", "Wandering"


WRITES = [
    write_post_create,
    write_post_update,
    write_post_delete,
    write_comment,
    write_like,
    write_profile,
    write_category,
]


def shows(response, expected):
    if expected.startswith("!"):
        return expected[1:] not in response.text
    return expected in response.text


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_a_write_is_seen_on_the_next_anonymous_read(
    client, post, other_user, page_cache, write, django_capture_on_commit_callbacks
):
    post.category = post.category or CategoryFactory()
    post.save()
    for path in ("/", f"/author/{post.author.username}/"):
        client.get(path)  # cached before the write

    with django_capture_on_commit_callbacks(execute=True):
        path, expected = write(post, other_user)

    assert shows(client.get(path), expected)


def test_hiding_a_comment_is_seen_on_the_next_anonymous_read(
    client, post, other_user, page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(post=post, author=other_user)
    assert "1 comment" in client.get("/").text

    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comments_set_hidden(comments=Comment.objects.all(), hidden=True)

    assert "0 comments" in client.get("/").text
    assert Post.objects.get(pk=post.pk).comment_count == 0
