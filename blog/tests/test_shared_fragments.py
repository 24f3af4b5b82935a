"""The category menu and the size of each list, kept in the shared cache: read once, then again
after every kind of write that changes them, or when a scheduled post's time comes."""

import time
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from blog import services
from blog.comments.services import comment_create
from blog.models import Post, PostQuerySet, Tag
from blog.tests.factories import CategoryFactory, PostFactory
from cblog.page_cache import is_cache_shared


@pytest.fixture
def shared_fragments(settings):
    settings.FRAGMENT_CACHE_SECONDS = 300  # in one process local memory is as shared as Redis


@pytest.fixture
def travel(user):
    travel = CategoryFactory(name="Travel", slug="travel")
    PostFactory(author=user, category=travel, title="By the river", slug="by-the-river")
    return travel


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries]


def test_a_second_read_of_a_list_queries_nothing(client, travel, settings):
    unshared = len(queries_of(client, "/"))
    assert len(queries_of(client, "/")) == unshared > 1  # without a shared cache, every time

    settings.FRAGMENT_CACHE_SECONDS = 300
    client.get("/")
    queries = queries_of(client, "/")

    # Without Redis, the version row tells whether what this process keeps is current.
    assert len(queries) == (0 if is_cache_shared() else 1)
    assert all("cblog_contentversion" in query for query in queries)


def test_a_kept_list_shows_a_counted_view_within_view_count_seconds(
    client, travel, shared_fragments, settings
):
    post = Post.objects.get(slug="by-the-river")
    assert "0 views" in client.get("/").text

    services.post_count_view(post=post, visitor="reader-1")  # no write that bumps the version

    assert "0 views" in client.get("/").text
    with time_machine.travel(time.time() + settings.VIEW_COUNT_SECONDS + 1):
        assert "1 view" in client.get("/").text


def test_without_a_shared_cache_a_list_shows_a_counted_view_on_the_next_read(client, travel):
    post = Post.objects.get(slug="by-the-river")
    assert "0 views" in client.get("/").text

    services.post_count_view(post=post, visitor="reader-1")

    assert "1 view" in client.get("/").text


def test_a_second_read_of_a_list_asks_the_shared_cache_once(client, travel, shared_fragments):
    client.get("/")
    shared = caches["default"]
    get, asked = shared.get, []

    def counted(method):
        def ask(keys, *args, **kwargs):
            asked.append(keys)
            with mock.patch.object(shared, "get", get):  # local memory reads a get_many by get
                return method(keys, *args, **kwargs)

        return ask

    with (
        mock.patch.object(shared, "get", counted(get)),
        mock.patch.object(shared, "get_many", counted(shared.get_many)),
    ):
        assert "By the river" in client.get("/").text

    # The version is watched (Redis) or read from the database, and this process's memory holds
    # what it read last.
    assert asked == []


def write_new_post(user, travel):
    PostFactory(author=user, category=travel, title="Herons at dawn")
    return "Herons at dawn"


def write_edit_title(user, travel):
    services.post_update(post=Post.objects.get(slug="by-the-river"), data={"title": "Weirs"})
    return "Weirs"


def write_delete_post(user, travel):
    PostFactory(author=user, category=travel, title="Herons at dawn")
    services.post_delete(post=Post.objects.get(slug="by-the-river"))
    return "!By the river"


def write_rename_a_tag(user, travel):
    post = Post.objects.get(slug="by-the-river")
    with transaction.atomic():
        post.tags.set(["herons"])
    tag = Tag.objects.get(name="herons")
    tag.name = "egrets"
    tag.save()  # as the admin does, without saving any post
    return "#egrets"


def write_like(user, travel):
    services.like_toggle(post=Post.objects.get(slug="by-the-river"), user=user)
    return "1 like"


def write_comment(user, travel):
    comment_create(post=Post.objects.get(slug="by-the-river"), author=user, content="Lovely.")
    return "1 comment"


def write_hide_comment(user, travel):
    comment = comment_create(post=Post.objects.get(slug="by-the-river"), author=user, content="…")
    comment.is_hidden = True
    comment.save()  # as the admin does
    return "0 comments"


@pytest.mark.parametrize(
    "write",
    [
        write_new_post,
        write_edit_title,
        write_delete_post,
        write_rename_a_tag,
        write_like,
        write_comment,
        write_hide_comment,
    ],
    ids=lambda write: write.__name__,
)
@pytest.mark.parametrize("path", ["/", "/category/travel/", "/author/alice/"])
@pytest.mark.parametrize("kept_whole", [False, True], ids=["fragments", "whole page"])
def test_a_kept_list_page_shows_a_write_on_the_next_read(
    client,
    user,
    travel,
    shared_fragments,
    settings,
    path,
    kept_whole,
    write,
    django_capture_on_commit_callbacks,
):
    settings.PAGE_CACHE_SECONDS = 300 if kept_whole else 0  # the page kept for signed-in readers
    client.force_login(user)
    client.get(path)

    with django_capture_on_commit_callbacks(execute=True):
        expected = write(user, travel)

    page = client.get(path).text
    if expected.startswith("!"):
        assert expected[1:] not in page
    else:
        assert expected in page


def write_first_post_in_a_category(user, travel):
    PostFactory(author=user, category=CategoryFactory(name="Birds", slug="birds"))
    return "/category/birds/"


def write_rename_the_category(user, travel):
    travel.name = "Wandering"
    travel.save()
    return ">Wandering</a>"


def write_delete_its_only_post(user, travel):
    services.post_delete(post=Post.objects.get(slug="by-the-river"))
    return "!/category/travel/"


def write_turn_its_only_post_into_a_draft(user, travel):
    services.post_update(post=Post.objects.get(slug="by-the-river"), data={"status": "draft"})
    return "!/category/travel/"


def write_move_its_only_post(user, travel):
    birds = CategoryFactory(name="Birds", slug="birds")
    services.post_update(post=Post.objects.get(slug="by-the-river"), data={"category": birds})
    return "/category/birds/"


@pytest.mark.parametrize(
    "write",
    [
        write_first_post_in_a_category,
        write_rename_the_category,
        write_delete_its_only_post,
        write_turn_its_only_post_into_a_draft,
        write_move_its_only_post,
    ],
    ids=lambda write: write.__name__,
)
def test_the_menu_changes_on_the_next_read_after_a_write(
    client, user, travel, shared_fragments, write, django_capture_on_commit_callbacks
):
    client.get("/archive/")  # a page without the category's name or address but in the menu
    assert "/category/travel/" in client.get("/archive/").text

    with django_capture_on_commit_callbacks(execute=True):
        expected = write(user, travel)

    menu = client.get("/archive/").text
    if expected.startswith("!"):
        assert expected[1:] not in menu
    else:
        assert expected in menu


@pytest.mark.parametrize("path", ["/", "/category/travel/", "/author/alice/"])
def test_a_new_post_that_opens_a_second_page_is_counted_on_the_next_read(
    client, user, travel, shared_fragments, path, django_capture_on_commit_callbacks
):
    PostFactory.create_batch(9, author=user, category=travel)
    assert "Page 1 of" not in client.get(path).text

    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(author=user, category=travel)

    assert "Page 1 of 2" in client.get(path).text


def test_deleting_a_post_that_closes_the_second_page_is_counted_on_the_next_read(
    client, user, travel, shared_fragments, django_capture_on_commit_callbacks
):
    PostFactory.create_batch(10, author=user, category=travel)
    assert "Page 1 of 2" in client.get("/").text

    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=Post.objects.get(slug="by-the-river"))

    assert "Page 1 of" not in client.get("/").text


@pytest.mark.django_db(transaction=True)  # InnoDB's full-text index sees committed rows only
def test_searches_for_different_words_are_counted_apart(client, user, shared_fragments):
    PostFactory.create_batch(11, author=user, title="Harbour lights")
    PostFactory(author=user, title="Mountain air")

    assert "Page 1 of 2" in client.get("/search/?q=harbour").text
    assert "Page 1 of" not in client.get("/search/?q=mountain").text


def test_each_author_counts_their_own_drafts(client, user, other_user, shared_fragments):
    PostFactory.create_batch(11, author=user, draft=True)
    PostFactory(author=other_user, draft=True)
    client.force_login(user)
    assert "Page 1 of 2" in client.get("/drafts/").text

    client.force_login(other_user)

    assert "Page 1 of" not in client.get("/drafts/").text


NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def local_cache(settings):
    # Local memory follows the travelling clock; Redis expires keys by its own.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "shared-fragments",
        }
    }
    yield
    cache.clear()


def test_the_menu_gains_a_category_when_its_scheduled_post_turns_public(
    client, user, travel, shared_fragments, local_cache
):
    with time_machine.travel(NOW, tick=False) as clock:
        night = CategoryFactory(name="Night", slug="night")
        PostFactory(author=user, category=night, published_at=NOW + timedelta(seconds=60))
        assert "/category/night/" not in client.get("/archive/").text

        clock.move_to(NOW + timedelta(seconds=90))

        assert "/category/night/" in client.get("/archive/").text


@pytest.mark.parametrize("size", [11, 30])
@pytest.mark.parametrize(
    ("path", "most"),
    # For an author, the page's own subject.
    [("/", 0), ("/?page=2", 0), ("/category/travel/", 0), ("/author/alice/", 1)],
)
def test_a_kept_list_page_reads_only_its_subject_at_any_size(
    client, user, travel, shared_fragments, size, path, most, django_assert_max_num_queries
):
    PostFactory.create_batch(size, author=user, category=travel)
    client.get(path)
    version_check = 0 if is_cache_shared() else 1  # without Redis, the version row
    with django_assert_max_num_queries(most + version_check):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/", "/?page=2", "/category/travel/", "/author/alice/"])
def test_a_kept_list_page_never_builds_its_query(client, user, travel, shared_fragments, path):
    PostFactory.create_batch(10, author=user, category=travel)
    client.get(path)

    with mock.patch.object(PostQuerySet, "cards", autospec=True) as cards:
        assert client.get(path).status_code == 200

    cards.assert_not_called()


def test_a_kept_sitemap_index_queries_only_the_version(client, travel, shared_fragments):
    client.get("/sitemap.xml")
    queries = queries_of(client, "/sitemap.xml")

    # Without Redis, the version row tells whether what this process keeps is current.
    assert len(queries) == (0 if is_cache_shared() else 1)
    assert all("cblog_contentversion" in query for query in queries)


def test_a_kept_sitemap_index_is_not_written_again(client, travel, shared_fragments):
    client.get("/sitemap.xml")

    assert client.get("/sitemap.xml").templates == []


def test_a_kept_sitemap_index_names_the_host_it_is_read_on(
    client, travel, shared_fragments, settings
):
    settings.ALLOWED_HOSTS = ["blog.example", "www.blog.example"]
    client.get("/sitemap.xml", headers={"host": "blog.example"})

    index = client.get("/sitemap.xml", headers={"host": "www.blog.example"}).text

    assert "http://www.blog.example/sitemap-posts.xml" in index


def test_a_kept_sitemap_index_lists_the_first_post_on_the_next_read(
    client, user, shared_fragments, django_capture_on_commit_callbacks
):
    assert "sitemap-posts.xml" not in client.get("/sitemap.xml").text

    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(author=user)

    assert "sitemap-posts.xml" in client.get("/sitemap.xml").text


def test_a_kept_sitemap_index_lists_a_scheduled_post_once_it_turns_public(
    client, user, shared_fragments, local_cache
):
    with time_machine.travel(NOW, tick=False) as clock:
        PostFactory(author=user, published_at=NOW + timedelta(seconds=60))
        assert "sitemap-posts.xml" not in client.get("/sitemap.xml").text

        clock.move_to(NOW + timedelta(seconds=90))

        assert "sitemap-posts.xml" in client.get("/sitemap.xml").text


def test_a_kept_post_page_reads_only_the_post_and_its_comments(
    client, user, travel, shared_fragments, django_assert_max_num_queries
):
    PostFactory.create_batch(3, author=user, category=travel)
    client.get("/post/by-the-river/")

    # The post with its author, its tags and its comments: related, previous and next are kept.
    version_check = 0 if is_cache_shared() else 1  # without Redis, the version row
    with django_assert_max_num_queries(3 + version_check):
        assert client.get("/post/by-the-river/").status_code == 200


def test_a_kept_post_page_links_a_newer_post_on_the_next_read(
    client, user, travel, shared_fragments, django_capture_on_commit_callbacks
):
    assert 'rel="next"' not in client.get("/post/by-the-river/").text

    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(author=user, category=travel, title="Herons at dawn", slug="herons")

    assert 'href="/post/herons/" rel="next"' in client.get("/post/by-the-river/").text


def write_rename_category_and_tag(travel):
    travel.name = "Wandering"
    travel.save()
    tag = Tag.objects.get(slug="herons")
    tag.name = "Egrets"
    tag.save()
    return ["Posts in Wandering", "Posts tagged “Egrets”"]


def write_delete_category_and_tag(travel):
    travel.delete()
    Tag.objects.get(slug="herons").delete()
    return [None, None]  # a 404


@pytest.mark.parametrize(
    "write",
    [write_rename_category_and_tag, write_delete_category_and_tag],
    ids=lambda w: w.__name__,
)
def test_a_kept_category_or_tag_page_shows_a_write_to_its_subject_on_the_next_read(
    client, travel, shared_fragments, write, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        Post.objects.get(slug="by-the-river").tags.set(["herons"])
    pages = ["/category/travel/", "/tag/herons/"]
    assert [client.get(page).status_code for page in pages] == [200, 200]

    with django_capture_on_commit_callbacks(execute=True):
        headings = write(travel)

    for page, heading in zip(pages, headings, strict=True):
        response = client.get(page)
        if heading is None:
            assert response.status_code == 404
        else:
            assert heading in response.text
