"""Pages run a fixed number of queries whatever the number of posts, likes, comments and views."""

import factory
import pytest

from blog.tests.factories import CommentFactory, ImageFactory, LikeFactory, PostFactory
from users.tests.factories import UserFactory


@pytest.fixture
def busy_blog(user, other_user):
    # Every post has a picture, so a list that fetched images one by one would show it.
    posts = PostFactory.create_batch(
        50, author=user, category__slug="travel", image=factory.SubFactory(ImageFactory)
    )
    for post in posts:
        LikeFactory(post=post, user=other_user)
        CommentFactory.create_batch(2, post=post, author=other_user)
    PostFactory.create_batch(5, author=user, draft=True)
    return posts


LIST_PAGES = [
    "/",
    "/?page=3",
    "/category/travel/",
    "/author/alice/",
    "/search/?q=river",
    "/drafts/",
]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_list_pages_use_at_most_five_queries_for_a_signed_in_reader(
    client, busy_blog, user, path, django_assert_max_num_queries
):
    client.force_login(user)
    with django_assert_max_num_queries(5):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("path", LIST_PAGES[:5])
def test_list_pages_use_at_most_three_queries_for_an_anonymous_reader(
    client, busy_blog, path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("page", [1, 2, 5])
def test_every_home_page_of_fifty_posts_uses_two_queries(
    client, busy_blog, page, django_assert_num_queries
):
    with django_assert_num_queries(2):
        assert client.get(f"/?page={page}").status_code == 200


@pytest.mark.parametrize(
    ("path", "queries"),
    # The sitemap counts, then lists, each of its two sections.
    [("/feeds/rss/", 1), ("/feeds/atom/", 1), ("/sitemap.xml", 4)],
)
def test_feeds_and_sitemap_query_count_does_not_grow_with_posts(
    client, busy_blog, path, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_detail_page_uses_at_most_eight_queries(
    client, busy_blog, other_user, django_assert_max_num_queries
):
    post = busy_blog[0]
    CommentFactory.create_batch(20, post=post, author=UserFactory())
    client.force_login(other_user)
    with django_assert_max_num_queries(8):
        response = client.get(f"/post/{post.slug}/")
    assert response.status_code == 200
    assert len(response.context["comments"]) == 22
