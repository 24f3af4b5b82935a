"""Pages run a fixed number of queries whatever the number of posts, likes, comments and views."""

import factory
import pytest
from django.test import Client
from django.utils import timezone

from blog.sitemaps import PostSitemap
from blog.tests.factories import CommentFactory, LikeFactory, PostFactory
from cblog.images.tests.factories import ImageFactory
from users.tests.factories import UserFactory


@pytest.fixture
def busy_blog(user, other_user):
    # Every post has a picture, so a list that fetched images one by one would show it.
    posts = PostFactory.create_batch(
        50, author=user, category__slug="travel", image=factory.SubFactory(ImageFactory)
    )
    for number, post in enumerate(posts):
        LikeFactory(post=post, user=other_user)
        CommentFactory.create_batch(2, post=post, author=other_user)
        post.tags.set(["rivers", f"Stage {number}"])  # a list that read tags per post would show it
    for draft in PostFactory.create_batch(5, author=user, draft=True):
        draft.tags.set(["rivers"])
    return posts


def sitemap_page(post):
    """The sitemap page listing this post (MariaDB's ids keep growing from one test to the next)."""
    return (post.pk - 1) // PostSitemap.limit + 1


LIST_PAGES = [
    "/",
    "/?page=3",
    "/category/travel/",
    "/tag/rivers/",
    "/author/alice/",
    "/search/?q=river",
    "/archive/{month}/",
    "/drafts/",
]


def this_month():
    return timezone.localdate().strftime("%Y/%m")


def extra_queries(path):
    # Search also reads the lowest and highest post ids, then checks posts spread between them
    # for how many posts hold each word (blog.search).
    return 2 if path.startswith("/search/") else 0


@pytest.mark.parametrize("path", LIST_PAGES)
def test_list_pages_use_at_most_eight_queries_for_a_signed_in_reader(
    client, busy_blog, user, path, django_assert_max_num_queries
):
    client.force_login(user)
    with django_assert_max_num_queries(8 + extra_queries(path)):
        response = client.get(path.format(month=this_month()))
    assert response.status_code == 200


@pytest.mark.parametrize("path", LIST_PAGES[:-1])
def test_list_pages_use_at_most_six_queries_for_an_anonymous_reader(
    client, busy_blog, path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6 + extra_queries(path)):
        assert client.get(path.format(month=this_month())).status_code == 200


@pytest.mark.parametrize("page", [1, 2, 5])
def test_every_home_page_of_fifty_posts_uses_five_queries(
    client, busy_blog, page, django_assert_num_queries
):
    # The count, up to the last page served; the ten posts; their authors; their tags; the
    # category menu.
    with django_assert_num_queries(5):
        assert client.get(f"/?page={page}").status_code == 200


@pytest.mark.parametrize(
    ("path", "queries"),
    # Feeds: the posts, their authors, their tags. The sitemap index: the highest post id, which
    # id ranges hold a public post, the categories' and the tags' counts. A section: the highest
    # post id, then the page.
    [
        ("/feeds/rss/", 3),
        ("/feeds/atom/", 3),
        ("/sitemap.xml", 4),
        ("/sitemap-posts.xml?p={page}", 2),
    ],
)
def test_feeds_and_sitemap_query_count_does_not_grow_with_posts(
    client, busy_blog, path, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries):
        assert client.get(path.format(page=sitemap_page(busy_blog[0]))).status_code == 200


def test_detail_page_uses_at_most_twelve_queries(
    client, busy_blog, other_user, django_assert_max_num_queries
):
    post = busy_blog[0]
    top = CommentFactory.create_batch(10, post=post, author=UserFactory())
    for comment in top:
        CommentFactory(post=post, parent=comment, author=UserFactory())
        CommentFactory(post=post, parent=comment, author=other_user, is_approved=False)
    client.force_login(other_user)
    # Nine for the post, its tags and its comments; the category menu, related posts, previous
    # and next.
    with django_assert_max_num_queries(13):
        response = client.get(f"/post/{post.slug}/")
    assert response.status_code == 200
    assert len(response.context["comments"]) == 32  # with the reader's own awaiting approval
    assert len(response.context["threads"]) == 12


def add_posts(count, author, other_user):
    for post in PostFactory.create_batch(count, author=author, category__slug="travel"):
        LikeFactory(post=post, user=other_user)
        CommentFactory.create_batch(2, post=post, author=other_user)
        post.tags.set(["rivers", post.slug])


PAGES_AT_TWO_SIZES = [
    *LIST_PAGES,
    "/post/{slug}/",
    "/sitemap-tags.xml",
    "/feeds/rss/",
    "/feeds/atom/",
    "/sitemap.xml",
    "/sitemap-posts.xml?p={page}",
]
READERS_AT_TWO_SIZES = [
    *[(path, "signed in") for path in PAGES_AT_TWO_SIZES],
    *[(path, "anonymous") for path in PAGES_AT_TWO_SIZES if path != "/drafts/"],
]


def reader_for(kind, user):
    """A fresh client each time, so that the post page counts a view on every request."""
    client = Client()
    if kind == "signed in":
        client.force_login(user)
    return client


@pytest.mark.parametrize(("path", "reader"), READERS_AT_TWO_SIZES)
def test_every_page_runs_as_many_queries_at_25_as_at_50_posts(
    user, other_user, path, reader, django_assert_max_num_queries
):
    add_posts(24, user, other_user)
    first = PostFactory(author=user, slug="first")
    first.tags.set(["rivers"])
    path = path.format(slug=first.slug, month=this_month(), page=sitemap_page(first))
    client = reader_for(reader, user)
    with django_assert_max_num_queries(13) as small:
        assert client.get(path).status_code == 200

    add_posts(25, user, other_user)
    client = reader_for(reader, user)
    with django_assert_max_num_queries(len(small)) as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small)


@pytest.mark.parametrize("path", ["/", "/category/travel/", "/tag/rivers/", "/author/alice/"])
def test_lists_never_load_post_bodies(client, busy_blog, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(6) as queries:
        assert client.get(path).status_code == 200
    assert not any("content_html" in query["sql"] for query in queries.captured_queries)


def test_lists_never_join_the_users_table(client, busy_blog, django_assert_max_num_queries):
    """Joined, the small users table drives MariaDB's plan: every post sorted to show ten."""
    with django_assert_max_num_queries(5) as queries:
        assert client.get("/").status_code == 200
    assert not any(
        "JOIN `users_user`" in q["sql"].replace('"', "`") for q in queries.captured_queries
    )


def test_list_counts_stop_at_the_last_page_served(client, busy_blog, monkeypatch):
    monkeypatch.setattr("blog.views.MAX_PAGES", 2)

    response = client.get("/?page=2")

    assert response.context["paginator"].num_pages == 2
    assert client.get("/?page=3").status_code == 404
