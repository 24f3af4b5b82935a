"""Scheduled posts: invisible to readers until their time, then public everywhere by themselves."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from blog import services
from blog.models import Post
from blog.sitemaps import PostSitemap
from blog.tests.factories import CategoryFactory, PostFactory
from users.tests.factories import UserFactory

# InnoDB's full-text index sees rows only once they are committed.
pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TITLE = "Moonrise over the harbour"
# Every page that lists posts; the scheduled post is the only one in its category and tag, by its
# author and with its word, so each page must show it once it is public.
LIST_PAGES = [
    "/",
    "/?page=2",
    "/category/night/",
    "/tag/night-sky/",
    "/author/selene/",
    "/search/?q=harbour",
    "/archive/2026/03/",
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/rss/category/night/",
    "/feeds/atom/tag/night-sky/",
    "/feeds/rss/author/selene/",
    "/sitemap-posts.xml",
    "/sitemap-categories.xml",
    "/sitemap-tags.xml",
]
# What shows the post on a page: its title, or on a sitemap its address, its category's or tag's.
# Search marks the words it found in the title, so there too the address.
MARKERS = {
    "/search/?q=harbour": "/post/moonrise/",
    "/sitemap-posts.xml": "/post/moonrise/",
    "/sitemap-categories.xml": "/category/night/",
    "/sitemap-tags.xml": "/tag/night-sky/",
}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scheduled(clock, user):
    author = UserFactory(username="selene")
    night = CategoryFactory(name="Night", slug="night")
    post = PostFactory(
        author=author,
        category=night,
        title=TITLE,
        slug="moonrise",
        content="The harbour at night.",
        published_at=NOW + timedelta(hours=1),
    )
    post.tags.set(["Night sky"])
    return post


@pytest.fixture
def older_posts(clock, user):
    """Eleven public posts, so that there is a second page."""
    PostFactory.create_batch(11, author=user, published_at=NOW - timedelta(days=3))


def push_to_second_page(user):
    """Ten posts scheduled just after the post: once all are public, it opens the second page."""
    PostFactory.create_batch(10, author=user, published_at=NOW + timedelta(hours=1, minutes=1))


def shows(client, path):
    marker = MARKERS.get(path, TITLE)
    if path == "/sitemap-posts.xml":  # sitemap pages hold id ranges; MariaDB's ids keep growing
        path += f"?p={(Post.objects.get(slug='moonrise').pk - 1) // PostSitemap.limit + 1}"
    response = client.get(path)
    return response.status_code == 200 and marker in response.text


def test_a_post_with_a_future_time_is_scheduled_not_published(scheduled):
    assert scheduled.is_scheduled
    assert not scheduled.is_published
    assert list(Post.objects.scheduled()) == [scheduled]
    assert not Post.objects.published().filter(pk=scheduled.pk).exists()
    assert Post.objects.drafts().filter(pk=scheduled.pk).exists()


@pytest.mark.parametrize("path", LIST_PAGES)
def test_no_list_page_shows_a_scheduled_post_before_its_time(client, scheduled, older_posts, path):
    assert not shows(client, path)


@pytest.mark.parametrize("path", LIST_PAGES)
def test_every_list_page_shows_a_scheduled_post_once_its_time_has_come(
    client, clock, user, scheduled, older_posts, path
):
    if path == "/?page=2":
        push_to_second_page(user)
    clock.move_to(NOW + timedelta(hours=2))

    assert shows(client, path)


def test_signed_in_readers_other_than_the_author_do_not_see_it_early(client, other_user, scheduled):
    client.force_login(other_user)

    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert not shows(client, "/")


@pytest.mark.parametrize("role", ["author", "staff"])
def test_its_author_and_staff_see_the_post_marked_as_scheduled(client, staff_user, scheduled, role):
    client.force_login(scheduled.author if role == "author" else staff_user)

    response = client.get(scheduled.get_absolute_url())

    assert response.status_code == 200
    assert "Scheduled for" in response.text
    assert "no-cache" in response["Cache-Control"]


def test_its_author_finds_it_among_their_drafts(client, scheduled):
    client.force_login(scheduled.author)

    assert shows(client, "/drafts/")


def test_the_post_page_answers_anyone_once_its_time_has_come(client, clock, scheduled):
    assert client.get(scheduled.get_absolute_url()).status_code == 404

    clock.move_to(NOW + timedelta(hours=1))

    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_the_author_page_exists_only_once_the_post_is_public(client, clock, scheduled):
    assert client.get("/author/selene/").status_code == 404

    clock.move_to(NOW + timedelta(hours=1))

    assert client.get("/author/selene/").status_code == 200


def test_a_scheduled_post_takes_neither_likes_nor_comments(client, other_user, scheduled):
    client.force_login(other_user)

    assert client.post(f"/post/{scheduled.slug}/like/").status_code == 404
    assert client.post(f"/post/{scheduled.slug}/comment/", {"content": "Hi"}).status_code == 404


def test_the_form_schedules_a_post_for_a_future_time(client, clock, user):
    client.force_login(user)

    client.post(
        "/post/new/",
        {
            "title": "Later",
            "content": "Soon",
            "status": "published",
            "publish_at": "2026-03-02T08:30",
        },
    )

    post = Post.objects.get(title="Later")
    assert post.published_at == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert post.is_scheduled


def test_publishing_with_a_blank_time_publishes_now(client, clock, user):
    client.force_login(user)

    client.post("/post/new/", {"title": "Now", "content": "Hi", "status": "published"})

    assert Post.objects.get(title="Now").published_at == NOW


def test_editing_a_public_post_with_a_blank_time_keeps_its_date(client, clock, user):
    post = PostFactory(author=user, published_at=NOW - timedelta(days=5))
    client.force_login(user)

    client.post(
        f"/post/{post.slug}/edit/", {"title": "New title", "content": "x", "status": "published"}
    )

    post.refresh_from_db()
    assert post.title == "New title"
    assert post.published_at == NOW - timedelta(days=5)


def test_updating_a_public_post_with_its_time_as_shown_keeps_the_seconds(client, clock, user):
    published_at = NOW - timedelta(days=5, seconds=42)
    post = PostFactory(author=user, published_at=published_at)
    client.force_login(user)
    shown = f"{published_at:%Y-%m-%dT%H:%M}"
    assert f'value="{shown}"' in client.get(f"/post/{post.slug}/edit/").text

    client.post(
        f"/post/{post.slug}/edit/",
        {"title": "New title", "content": "x", "status": "published", "publish_at": shown},
    )

    post.refresh_from_db()
    assert post.title == "New title" and post.published_at == published_at


def test_the_edit_form_shows_the_scheduled_time(client, user, scheduled):
    client.force_login(scheduled.author)

    response = client.get(f"/post/{scheduled.slug}/edit/")

    assert 'value="2026-03-01T10:00"' in response.text


def test_bulk_publishing_leaves_a_scheduled_post_for_its_time(clock, scheduled):
    assert services.posts_publish(posts=Post.objects.all()) == 0

    scheduled.refresh_from_db()
    assert scheduled.published_at == NOW + timedelta(hours=1)


def test_admin_status_filter_lists_scheduled_posts(admin_client, clock, scheduled, user):
    PostFactory(author=user, title="Already out")

    response = admin_client.get("/admin/blog/post/?status=scheduled")

    assert TITLE in response.text
    assert "Already out" not in response.text


# Caching: no page outlives the next scheduled time.


@pytest.fixture
def page_cache(settings):
    # Local memory follows the travelling clock; Redis expires keys by its own.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "scheduling",
        }
    }
    settings.PAGE_CACHE_SECONDS = 300
    yield
    cache.clear()


def test_a_kept_page_expires_when_the_next_post_turns_public(client, clock, user, page_cache):
    PostFactory(author=user, title=TITLE, published_at=NOW + timedelta(seconds=60))
    assert not shows(client, "/")

    clock.move_to(NOW + timedelta(seconds=90))

    assert shows(client, "/")


def test_max_age_never_reaches_past_the_next_publication(client, clock, user, page_cache):
    PostFactory(author=user, title=TITLE, published_at=NOW + timedelta(seconds=20))

    response = client.get("/")

    assert response["Cache-Control"] == "public, max-age=21, stale-while-revalidate=0"


def test_without_a_scheduled_post_pages_keep_their_usual_lifetime(client, post, page_cache):
    response = client.get("/")

    assert response["Cache-Control"] == "public, max-age=30, stale-while-revalidate=30"
