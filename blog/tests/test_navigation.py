"""Finding posts: the category menu, chips, the month archive, related and adjacent posts,
reading time and display names."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post, Tag, TaggedPost
from blog.navigation import adjacent_posts, related_posts
from blog.templatetags.navigation import reading_minutes
from blog.tests.factories import CategoryFactory, PostFactory
from users.tests.factories import UserFactory


def at(year, month, day=1, hour=12):
    return datetime(year, month, day, hour, tzinfo=UTC)


def published_at(post, when):
    post.published_at = when
    post.save(update_fields=["published_at"])
    return post


def test_the_menu_links_every_category_with_a_public_post(client, db):
    travel = CategoryFactory(name="Travel", slug="travel")
    CategoryFactory(name="Empty", slug="empty")
    food = CategoryFactory(name="Food", slug="food")
    PostFactory(category=travel)
    PostFactory(category=food, draft=True)

    html = client.get("/").content.decode()

    assert '<a href="/category/travel/">Travel</a>' in html
    assert "/category/empty/" not in html and "/category/food/" not in html


def test_the_menu_marks_the_category_being_read(client, db):
    PostFactory(category=CategoryFactory(name="Travel", slug="travel"))
    html = client.get("/category/travel/").content.decode()
    assert '<a href="/category/travel/" aria-current="page">Travel</a>' in html


def test_a_new_category_shows_in_the_menu_after_its_first_post(client, db):
    client.get("/")
    PostFactory(category=CategoryFactory(name="Birds", slug="birds"))
    assert "/category/birds/" in client.get("/").content.decode()


def test_cards_have_one_link_to_the_post_and_linked_category_chips(client, db):
    post = PostFactory(category=CategoryFactory(name="Travel", slug="travel"))
    html = client.get("/").content.decode()
    card = html[html.index('<article class="card') : html.index("</article>")]
    assert card.count(f'href="{post.get_absolute_url()}"') == 1
    assert 'class="stretched-link' in card
    assert '<a class="chip' in card and 'href="/category/travel/"' in card


def test_the_post_page_links_its_category_as_a_chip(client, db):
    post = PostFactory(category=CategoryFactory(name="Travel", slug="travel"))
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="chip' in html and 'href="/category/travel/"' in html


def test_the_month_archive_lists_that_months_public_posts_only(client, db):
    march = published_at(PostFactory(title="In March"), at(2026, 3, 31, 23))
    published_at(PostFactory(title="In April"), at(2026, 4, 1, 0))
    published_at(PostFactory(title="Draft in March", draft=True), at(2026, 3, 5))

    response = client.get("/archive/2026/03/")

    assert list(response.context["page_obj"]) == [march]
    assert "Posts from March 2026" in response.content.decode()


@pytest.mark.parametrize("path", ["/archive/2026/02/", "/archive/2026/13/", "/archive/2026/00/"])
def test_an_empty_or_impossible_month_is_a_404(client, db, path):
    published_at(PostFactory(), at(2026, 3, 1))
    assert client.get(path).status_code == 404


def test_the_archive_index_counts_posts_per_month_newest_first(client, db):
    for when in (at(2025, 12, 2), at(2026, 3, 1), at(2026, 3, 20)):
        published_at(PostFactory(), when)
    PostFactory(draft=True)

    response = client.get("/archive/")
    html = response.content.decode()

    assert [(row["month"].isoformat(), row["total"]) for row in response.context["months"]] == [
        ("2026-03-01", 2),
        ("2025-12-01", 1),
    ]
    assert 'href="/archive/2026/03/">March</a>' in html
    assert html.index("2026") < html.index("2025")


def test_related_posts_share_the_category_newest_first_never_drafts(db):
    travel = CategoryFactory(slug="travel")
    post, older, newer = (PostFactory(category=travel) for _ in range(3))
    published_at(older, at(2020, 1, 1))
    PostFactory(category=travel, draft=True)
    PostFactory()  # another category
    assert related_posts(post) == [newer, older]


def test_previous_and_next_follow_publication_order(db):
    first, second, third = (PostFactory() for _ in range(3))
    for number, post in enumerate((first, second, third), start=1):
        published_at(post, at(2026, 1, number))
    PostFactory(draft=True)
    assert adjacent_posts(second) == (first, third)
    assert adjacent_posts(first) == (None, second)


def test_previous_and_next_of_posts_published_at_the_same_time_follow_creation(db):
    first, second, third = (PostFactory() for _ in range(3))
    for post in (first, second, third):
        published_at(post, at(2026, 1, 1))
    assert adjacent_posts(second) == (first, third)
    assert (adjacent_posts(first)[0], adjacent_posts(third)[1]) == (None, None)


def test_the_post_page_ends_with_related_previous_and_next(client, db):
    travel = CategoryFactory(slug="travel")
    first, second, third = (PostFactory(category=travel) for _ in range(3))
    for number, post in enumerate((first, second, third), start=1):
        published_at(post, at(2026, 1, number))

    html = client.get(second.get_absolute_url()).content.decode()

    read_next = html[html.index('id="read-next"') :]
    assert f'href="{first.get_absolute_url()}" rel="prev"' in read_next
    assert f'href="{third.get_absolute_url()}" rel="next"' in read_next


@pytest.mark.parametrize(("words", "minutes"), [(1, 1), (230, 1), (231, 2), (1000, 5)])
def test_reading_time_rounds_up_to_whole_minutes(words, minutes):
    assert reading_minutes("<p>" + "word " * words + "</p>") == minutes


def test_the_post_page_shows_its_reading_time(client, db):
    post = PostFactory(content="word " * 500)
    assert "3 min read" in client.get(post.get_absolute_url()).content.decode()


def test_names_show_as_first_and_last_name_else_the_username(client, db):
    named = UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
    plain = UserFactory(username="bo", first_name="", last_name="")
    PostFactory(author=named)
    PostFactory(author=plain)

    home = client.get("/").content.decode()
    author_page = client.get("/author/ada/").content.decode()

    assert "Ada Lovelace" in home and "bo" in home
    assert "Posts by Ada Lovelace" in author_page


# Related posts: shared tags first, then the category


def tagged(*names, **fields):
    post = PostFactory(**fields)
    post.tags.set(list(names))
    return post


def with_tags(post):
    return Post.objects.with_counts().get(pk=post.pk)  # as the post page reads it


def test_related_posts_share_most_tags_first_then_newest_then_the_category(db):
    travel, food = CategoryFactory(slug="travel"), CategoryFactory(slug="food")
    post = tagged("lisbon", "trams", "coffee", category=travel)
    one_newer = tagged("lisbon", category=food)
    two_older = published_at(tagged("lisbon", "trams", category=food), at(2025, 1, 1))
    one_older = published_at(tagged("coffee", "cake", category=food), at(2025, 2, 1))
    tagged("porto", category=food)  # shares nothing
    same_category = tagged(category=travel)

    assert related_posts(with_tags(post)) == [two_older, one_newer, one_older]

    one_older.delete()
    assert related_posts(with_tags(post)) == [two_older, one_newer, same_category]


def test_related_posts_never_list_the_post_itself_drafts_scheduled_or_a_post_twice(db):
    travel = CategoryFactory(slug="travel")
    post = tagged("lisbon", category=travel)
    tagged("lisbon", category=travel, draft=True)
    both = tagged("lisbon", category=travel)
    scheduled = tagged("lisbon", category=travel)
    published_at(scheduled, at(2999, 1, 1))

    assert related_posts(with_tags(post)) == [both]


def test_shared_tags_count_only_among_the_posts_published_nearest(db, monkeypatch):
    monkeypatch.setattr("blog.navigation.RELATED_WINDOW", 1)
    posts = [tagged("lisbon", category=None) for _ in range(5)]
    for day, post in enumerate(posts, start=1):
        published_at(post, at(2026, 1, day))

    assert related_posts(with_tags(posts[2])) == [posts[3], posts[1]]
    assert related_posts(with_tags(posts[0])) == [posts[1]]


@pytest.mark.parametrize("tags", [("lisbon", "trams"), ()], ids=["tagged", "untagged"])
def test_related_posts_run_the_same_queries_for_10_or_60_posts(
    db, tags, django_assert_max_num_queries
):
    travel = CategoryFactory(slug="travel")
    post = tagged(*tags, category=travel)

    def add(count):
        for number in range(count):
            tagged(*tags[: number % 3], category=travel if number % 2 else None)

    add(10)
    read = with_tags(post)
    with django_assert_max_num_queries(3 if tags else 1) as few:
        assert len(related_posts(read)) == 3
    add(50)
    read = with_tags(post)
    with django_assert_max_num_queries(3 if tags else 1) as many:
        assert len(related_posts(read)) == 3
    assert len(few) == len(many)


@pytest.mark.skipif(connection.vendor != "mysql", reason="the plan that matters is MySQL's")
@pytest.mark.django_db(transaction=True)
def test_related_posts_read_a_bounded_range_of_the_publication_index_on_mysql(user):
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(title=f"p{n}", slug=f"p{n}", author=user, content="x", content_html="<p>x</p>",
             excerpt="x", status="published", published_at=now - timedelta(hours=n))
        for n in range(1500)
    )  # fmt: skip
    tags = [Tag.objects.create(name=f"t{n}", slug=f"t{n}") for n in range(10)]
    TaggedPost.objects.bulk_create(
        TaggedPost(content_object=post, tag=tags[(post.pk + k) % 10])
        for post in posts
        for k in range(3)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE TABLE blog_post, blog_taggedpost")
    post = Post.objects.with_counts().get(pk=posts[700].pk)

    with CaptureQueriesContext(connection) as queries:
        assert len(related_posts(post)) == 3

    plans = []
    for query in queries.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plans += [
                dict(zip([c[0] for c in cursor.description], row, strict=True)) for row in cursor
            ]
    reads = {(plan["table"], plan["key"]) for plan in plans}
    assert reads <= {
        ("blog_post", "PRIMARY"),
        ("U0", "post_published_order"),
        ("blog_post", "post_published_order"),
        ("blog_taggedpost", "one_tag_per_post"),
    }, plans
    shared = next(plan for plan in plans if plan["table"] == "blog_taggedpost")
    assert shared["type"] == "ref"  # one index look-up per post of the window, never a scan
